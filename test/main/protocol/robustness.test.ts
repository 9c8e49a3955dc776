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

  it('closes a client that has not read its responses for connectionsMaxIdleMs, and not one that reads slowly', async () => {
    const ld = await logdock.start({ connectionsMaxIdleMs: 2000 });
    const big = Buffer.alloc(64 * 1024, 'x');
    for (let i = 0; i < 8; i++)
      await ld.broker.send(
        Array.from({ length: 16 }, () => ({ topic: 'bulk', partition: 0, value: big })),
      );
    // Each answer is ~0.5 MiB.
    const fetch = encodeRequest(apiByName('Fetch'), 4, 1, 'slow', {
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: 1 << 20,
      topics: [
        {
          topic: 'bulk',
          partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20 }],
        },
      ],
    });
    // One client never reads its ~30 MiB; the other reads its ~20 MiB at ~5 MiB/s.
    const stalled = await logdock.client(ld.port);
    stalled.socket.pause();
    const slow = connect({ host: '127.0.0.1', port: ld.port });
    slow.on('error', () => undefined);
    // Reads at most 512 KiB per 100 ms, counting whole responses.
    let pending = Buffer.alloc(0);
    let responses = 0;
    let window = 0;
    slow.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
        pending = pending.subarray(4 + pending.readInt32BE(0));
        responses++;
      }
      window += chunk.length;
      if (window >= 512 * 1024) slow.pause();
    });
    const reader = setInterval(() => {
      window = 0;
      slow.resume();
    }, 100);
    logdock.onCleanup(() => {
      clearInterval(reader);
      slow.destroy();
    });
    for (let i = 0; i < 60; i++) stalled.sendRaw(fetch);
    for (let i = 0; i < 40; i++) slow.write(fetch);
    const unread = /responses unread for \d+ ms \(connectionsMaxIdleMs 2000\)/;
    await waitFor(() => ld.logs.some((l) => unread.test(l)), 'the stalled client to be closed');
    expect(ld.logs.filter((l) => unread.test(l))).toHaveLength(1);
    // The slow reader keeps its connection until it has read everything it asked for (it is
    // idle after, and closed 2 s later).
    await waitFor(
      () => responses === 40,
      () => `the slow reader to read its 40 responses (${responses} so far)`,
    );
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
