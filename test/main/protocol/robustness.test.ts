import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { apiByName, encodeRequest } from '../../../src/main/protocol/codec/messages';
import { prng, seedCorpus } from '../../../src/main/protocol/fuzz';
import { useLogdock, waitFor } from './helpers';

const logdock = useLogdock();

describe('listener robustness', () => {
  it('keeps serving others while a client never reads its (large) responses', async () => {
    const ld = await logdock.start();
    const big = Buffer.alloc(64 * 1024, 'x');
    for (let i = 0; i < 8; i++)
      await ld.broker.send(
        Array.from({ length: 16 }, () => ({ topic: 'bulk', partition: 0, value: big })),
      );
    const slow = await logdock.client(ld.port);
    slow.socket.pause(); // never reads: the server's writes back up
    const fetch = encodeRequest(apiByName('Fetch'), 4, 1, 'slow', {
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: 64 << 20,
      topics: [
        {
          topic: 'bulk',
          partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 64 << 20 }],
        },
      ],
    });
    for (let i = 0; i < 40; i++) slow.sendRaw(fetch); // ~320 MiB of responses nobody reads
    const fast = await logdock.client(ld.port);
    for (let i = 0; i < 20; i++) {
      const md = await fast.request('Metadata', 9, { topics: null, allowAutoTopicCreation: false });
      expect((md.topics as unknown[]).length).toBeGreaterThan(0);
    }
    expect(slow.closed).toBe(false);
  });

  it('survives random and mutated requests from many clients and keeps serving a good one', async () => {
    const ld = await logdock.start({ maxRequestBytes: 1 << 20 });
    const corpus = seedCorpus();
    const rand = prng(42);
    const good = await logdock.client(ld.port);
    const sockets = Array.from({ length: 20 }, () => connect({ host: '127.0.0.1', port: ld.port }));
    for (const s of sockets) s.on('error', () => undefined);
    for (let round = 0; round < 10; round++) {
      for (const s of sockets) {
        const base = corpus[Math.floor(rand() * corpus.length)];
        const frame = Buffer.from(base);
        for (let k = 0; k < 3; k++)
          frame[Math.floor(rand() * frame.length)] = Math.floor(rand() * 256);
        const size = Buffer.alloc(4);
        size.writeInt32BE(rand() < 0.1 ? Math.floor(rand() * 2 ** 31) : frame.length, 0);
        s.write(Buffer.concat([size, frame]));
      }
      expect((await good.request('ApiVersions', 3, {})).errorCode).toBe(0);
    }
    for (const s of sockets) s.destroy();
    await waitFor(() => ld.server.connectionCount() === 1, 'only the good client to remain');
    expect((await good.request('Metadata', 1, { topics: null })).brokers).toHaveLength(1);
  });
});
