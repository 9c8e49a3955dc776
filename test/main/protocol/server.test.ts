import { connect, createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { LogdockError } from '../../../src/common/errors';
import { startKafkaServer } from '../../../src/main/protocol';
import { APIS } from '../../../src/main/protocol/codec/messages';
import { Writer } from '../../../src/main/protocol/codec/writer';
import { runProcess, useLogdock, waitFor } from './helpers';

const logdock = useLogdock();

describe('Kafka listener', () => {
  it('advertises every served API from version 0 in ApiVersions v3', async () => {
    const ld = await logdock.start();
    const c = await logdock.client(ld.port);
    const res = await c.request('ApiVersions', 3, {
      clientSoftwareName: 'test',
      clientSoftwareVersion: '1',
    });
    expect(res.errorCode).toBe(0);
    const keys = res.apiKeys as { apiKey: number; minVersion: number; maxVersion: number }[];
    expect(keys.map((k) => k.apiKey).sort((a, b) => a - b)).toEqual(
      [...APIS.keys()].sort((a, b) => a - b),
    );
    expect(keys.every((k) => k.minVersion === 0)).toBe(true);
    expect(keys.find((k) => k.apiKey === 3)?.maxVersion).toBe(12); // Metadata
    expect(keys.find((k) => k.apiKey === 1)?.maxVersion).toBe(17); // Fetch
  });

  it('answers an unsupported ApiVersions version with error 35 in v0 and keeps the connection', async () => {
    const ld = await logdock.start();
    const c = await logdock.client(ld.port);
    // ApiVersions v99 with a body we do not know: header v2 framing, arbitrary bytes.
    const w = new Writer();
    w.writeInt32(0)
      .writeInt16(18)
      .writeInt16(99)
      .writeInt32(7)
      .writeNullableString('future')
      .writeUVarint(0);
    w.writeRaw(Buffer.from([1, 2, 3]));
    const frame = w.toBuffer();
    frame.writeInt32BE(frame.length - 4, 0);
    const next = c.nextFrame();
    c.sendRaw(frame);
    const resp = await next;
    expect(resp.readInt32BE(0)).toBe(7); // correlation id, response header v0
    expect(resp.readInt16BE(4)).toBe(35); // UNSUPPORTED_VERSION
    expect(resp.readInt32BE(6)).toBe(APIS.size); // the version list follows, v0 layout
    const again = await c.request('ApiVersions', 3, {});
    expect(again.errorCode).toBe(0);
    expect(c.closed).toBe(false);
  });

  it('closes only the connection whose request exceeds maxRequestBytes', async () => {
    const ld = await logdock.start({ maxRequestBytes: 1024 });
    const bad = await logdock.client(ld.port);
    const good = await logdock.client(ld.port);
    const header = Buffer.alloc(4);
    header.writeInt32BE(10 * 1024 * 1024, 0); // announces 10 MiB: refused before buffering it
    bad.sendRaw(header);
    await bad.closedPromise;
    const res = await good.request('Metadata', 1, { topics: null });
    expect(res.brokers).toHaveLength(1);
    expect(ld.logs.some((l) => /outside 0\.\.1024 bytes/.test(l))).toBe(true);
  });

  it('closes a connection that sends a malformed request and keeps serving others', async () => {
    const ld = await logdock.start();
    const bad = await logdock.client(ld.port);
    const good = await logdock.client(ld.port);
    const w = new Writer();
    // Metadata v1 claiming 1000 topics with 2 bytes of body.
    w.writeInt32(0)
      .writeInt16(3)
      .writeInt16(1)
      .writeInt32(1)
      .writeNullableString('x')
      .writeInt32(1000)
      .writeInt16(0);
    const frame = w.toBuffer();
    frame.writeInt32BE(frame.length - 4, 0);
    bad.sendRaw(frame);
    await bad.closedPromise;
    expect((await good.request('ApiVersions', 0, {})).errorCode).toBe(0);
    expect(ld.logs.some((l) => /malformed Metadata v1 request/.test(l))).toBe(true);
  });

  it('refuses connections beyond maxConnections when none of them is idle', async () => {
    const ld = await logdock.start({ maxConnections: 2 });
    await ld.broker.createTopic('parked', { partitions: 1 });
    const a = await logdock.client(ld.port);
    const b = await logdock.client(ld.port);
    // Both wait in a Fetch: busy, so neither may be evicted for a newcomer.
    for (const c of [a, b])
      void c.request('Fetch', 4, parkedFetch('parked')).catch(() => undefined);
    await waitFor(() => ld.server.busyConnectionCount() === 2, 'two connections in a Fetch');
    const c = await logdock.client(ld.port);
    await c.closedPromise;
    expect(ld.server.connectionCount()).toBe(2);
    a.close();
    await waitFor(() => ld.server.connectionCount() === 1, 'the closed connection to be released');
    const d = await logdock.client(ld.port);
    expect((await d.request('ApiVersions', 0, {})).errorCode).toBe(0);
  });

  it('makes room for a new client by closing the connection idle the longest', async () => {
    const ld = await logdock.start({ maxConnections: 20 });
    const silent = Array.from({ length: 20 }, () => connect({ host: '127.0.0.1', port: ld.port }));
    for (const s of silent) s.on('error', () => undefined);
    logdock.onCleanup(() => silent.forEach((s) => s.destroy()));
    await waitFor(() => ld.server.connectionCount() === 20, '20 silent connections');
    // kcat, as a Kafka client does, needs a connection now: it gets one.
    const { code, stdout, stderr } = await runProcess('kcat', [
      '-b',
      ld.bootstrap,
      '-L',
      '-m',
      '10',
    ]);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('1 brokers');
    expect(ld.server.connectionCount()).toBeLessThanOrEqual(20);
  });

  it('closes a connection that completes no request within connectionsMaxIdleMs, not one waiting in a Fetch', async () => {
    const ld = await logdock.start({ connectionsMaxIdleMs: 400 });
    await ld.broker.createTopic('parked', { partitions: 1 });
    const waiting = await logdock.client(ld.port);
    const answered = waiting.request('Fetch', 4, parkedFetch('parked', 1500));
    const silent = await logdock.client(ld.port);
    await silent.closedPromise;
    expect(ld.logs.some((l) => /no complete request for \d+ ms/.test(l))).toBe(true);
    expect(((await answered).responses as unknown[]).length).toBe(1);
    expect(waiting.closed).toBe(false);
  });

  it('bounds the request bytes all connections hold, closing the one holding the most, and releases them', async () => {
    const MiB = 1024 * 1024;
    const ld = await logdock.start({ maxRequestBytes: 8 * MiB, queuedMaxRequestBytes: 12 * MiB });
    const partial = Buffer.alloc(4 + 5 * MiB);
    partial.writeInt32BE(8 * MiB - 100, 0); // declares more than it sends: never completes
    const hogs = Array.from({ length: 4 }, () => connect({ host: '127.0.0.1', port: ld.port }));
    logdock.onCleanup(() => hogs.forEach((s) => s.destroy()));
    const closed = hogs.map((s) => new Promise<void>((r) => s.on('close', () => r())));
    for (const s of hogs) {
      s.on('error', () => undefined);
      s.write(partial);
    }
    // Wait for the bound to act, not just for few connections: under load the hogs may not
    // even be accepted yet, and a count of 0 would pass at once.
    await waitFor(
      () => ld.logs.some((l) => /queuedMaxRequestBytes/.test(l)),
      'the bound to close a hog',
    );
    await waitFor(() => ld.server.connectionCount() <= 2, 'connections beyond the bound closed');
    expect(ld.server.heldRequestBytes()).toBeLessThanOrEqual(12 * MiB);
    const good = await logdock.client(ld.port);
    expect((await good.request('ApiVersions', 3, {})).errorCode).toBe(0);
    for (const s of hogs) s.destroy();
    await Promise.all(closed);
    await waitFor(() => ld.server.heldRequestBytes() === 0, 'held request bytes to be released');
    expect(ld.logs.some((l) => /queuedMaxRequestBytes/.test(l))).toBe(true);
  });

  it('reports a port in use as UNAVAILABLE', async () => {
    const ld = await logdock.start();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const err = await startKafkaServer(ld.broker, { port }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LogdockError);
      expect((err as LogdockError).code).toBe('UNAVAILABLE');
      expect((err as LogdockError).message).toMatch(
        new RegExp(`127.0.0.1:${port} is already in use`),
      );
    } finally {
      blocker.close();
    }
  });

  it('refuses to bind a non-loopback address without SASL users', async () => {
    const ld = await logdock.start();
    const err = await startKafkaServer(ld.broker, { host: '0.0.0.0', port: 0 }).catch(
      (e: unknown) => e,
    );
    expect((err as LogdockError).code).toBe('INVALID_CONFIG');
    expect((err as LogdockError).message).toMatch(/requires SASL\/PLAIN/);
  });

  it('binds nothing when disabled', async () => {
    const ld = await logdock.start();
    const off = await startKafkaServer(ld.broker, { enabled: false });
    expect(off.address().port).toBe(0);
    await off.close();
  });
});

function parkedFetch(topic: string, maxWaitMs = 60_000) {
  return {
    replicaId: -1,
    maxWaitMs,
    minBytes: 1,
    maxBytes: 1 << 20,
    topics: [{ topic, partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20 }] }],
  };
}
