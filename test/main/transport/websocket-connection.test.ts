import { readdir } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runWhenScanSlotFree, scanSlotsInUse } from '../../../src/main/api/scan-slots';
import {
  MAX_BUFFERED_BYTES,
  MAX_CALLS_IN_FLIGHT_PER_CONNECTION,
  MAX_SUBSCRIPTIONS_PER_CONNECTION,
} from '../../../src/main/transport/connection-limits';
import { waitFor } from '../../wait';
import { startWsServer, type Frame, type RawConnection, type WsServer } from './ws-harness';

let server: WsServer;
beforeEach(async () => {
  server = await startWsServer();
});
afterEach(async () => {
  await server.close();
});

const answer = (raw: RawConnection, t: string, id: number) =>
  raw.messages.find((m) => m.t === t && m.id === id);

const answered = (raw: RawConnection, t: string, id: number, what = `${t} ${id}`) =>
  waitFor(() => answer(raw, t, id), what, 60_000);

/** Timers and open file descriptors of this process, to tell what a connection left behind. */
async function handles(): Promise<{ timers: number; fds: number }> {
  const timers = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
  return { timers, fds: (await readdir('/proc/self/fd')).length };
}

/** One subscription of every kind the API has, over `logs` (and `other` for timelines). */
function everyKind(i: number): { name: string; params: object } {
  const search = { query: { regex: 'never[0-9]+here' }, maxResults: 10 };
  const kinds = [
    {
      name: 'messages.tail',
      params: { topic: 'logs', newest: { count: 5, pageSize: 5, previewBytes: 64 } },
    },
    { name: 'timeline.tail', params: { topics: ['logs', 'other'] } },
    { name: 'topics.changed', params: {} },
    { name: 'settings.changed', params: {} },
    { name: 'system.storage', params: {} },
    { name: 'collectors.status', params: {} },
    { name: 'messages.search', params: { topic: 'logs', ...search } },
    { name: 'timeline.search', params: { topics: ['logs', 'other'], ...search } },
    {
      name: 'messages.export',
      params: { topic: 'logs', format: 'jsonl', fileName: `x${i}.jsonl` },
    },
    {
      name: 'timeline.export',
      params: { topics: ['logs', 'other'], format: 'csv', fileName: `t${i}.csv` },
    },
    { name: 'messages.aggregate', params: { topic: 'logs', field: 'level' } },
  ];
  return kinds[i % kinds.length];
}

async function fillTopics(): Promise<void> {
  const { broker } = server.services;
  for (const topic of ['logs', 'other']) {
    await broker.createTopic(topic, { partitions: 2 });
    for (let p = 0; p < 2; p++) {
      const records = Array.from({ length: 500 }, (_, i) => ({
        topic,
        partition: p,
        timestamp: 1_700_000_000_000 + i,
        key: null,
        value: Buffer.from(`{"level":"INFO","msg":"line ${i} of ${topic}/${p}"}`),
        headers: [],
      }));
      await broker.send(records);
    }
  }
}

describe('one WebSocket connection', () => {
  it(`refuses a subscription past ${MAX_SUBSCRIPTIONS_PER_CONNECTION} with RESOURCE_EXHAUSTED, and takes one again once another ended`, async () => {
    const raw = await server.connect();
    for (let id = 1; id <= MAX_SUBSCRIPTIONS_PER_CONNECTION; id++) {
      raw.send({ t: 'sub', id, name: 'settings.changed', params: {} });
    }
    const over = MAX_SUBSCRIPTIONS_PER_CONNECTION + 1;
    raw.send({ t: 'sub', id: over, name: 'topics.changed', params: {} });
    const refused = await answered(raw, 'sub-error', over);
    expect(refused.error).toMatchObject({ code: 'RESOURCE_EXHAUSTED' });
    for (let id = 1; id <= MAX_SUBSCRIPTIONS_PER_CONNECTION; id++) await answered(raw, 'event', id);
    expect(raw.messages.filter((m) => m.t === 'sub-error')).toHaveLength(1);
    expect(server.api.connectionStats()).toMatchObject([
      { subscriptions: MAX_SUBSCRIPTIONS_PER_CONNECTION },
    ]);

    // The limit is the connection's: another one subscribes as usual.
    const other = await server.connect();
    other.send({ t: 'sub', id: 1, name: 'topics.changed', params: {} });
    await answered(other, 'event', 1);

    // An unsub of an id it does not hold (never was, or refused) changes nothing.
    raw.send({ t: 'unsub', id: 9999 });
    raw.send({ t: 'unsub', id: over });
    raw.send({ t: 'call', id: 1, name: 'system.info', params: {} });
    await answered(raw, 'result', 1);
    expect(server.api.connectionStats()[0]).toMatchObject({
      subscriptions: MAX_SUBSCRIPTIONS_PER_CONNECTION,
    });
    // Ending one makes room for one; the refused id was never taken.
    raw.send({ t: 'unsub', id: 1 });
    raw.send({ t: 'sub', id: over, name: 'topics.changed', params: {} });
    await answered(raw, 'event', over);
    raw.send({ t: 'sub', id: over + 1, name: 'topics.changed', params: {} });
    expect((await answered(raw, 'sub-error', over + 1)).error).toMatchObject({
      code: 'RESOURCE_EXHAUSTED',
    });
  });

  it('releases every subscription, queued scan, timer and open file of a connection that drops', async () => {
    await fillTopics();
    const exports = join(server.dataDir, 'exports');
    // Whatever the first streams start once (worker threads, caches) is there before the
    // baseline: one of each kind, on a connection closed the polite way.
    const warm = await server.connect();
    const kinds = 11;
    for (let i = 0; i < kinds; i++) warm.send({ t: 'sub', id: i + 1, ...everyKind(i) });
    await waitFor(
      () => warm.messages.filter((m) => m.t === 'event').length >= kinds,
      'the first events of every kind',
      60_000,
    );
    await waitFor(() => scanSlotsInUse().running === 0, 'the warm-up scans to end', 60_000);
    warm.ws.close();
    await waitFor(() => server.api.connections === 0, 'the warm-up connection to go');
    const exported = new Set(await readdir(exports));
    const baseline = await handles();

    // Every scan slot taken, so that the connection's scans are all queued when it drops.
    const holds: (() => void)[] = [];
    for (let i = 0; i < 8; i++) {
      runWhenScanSlotFree(
        new AbortController().signal,
        () => new Promise<void>((r) => holds.push(r)),
      );
    }
    try {
      const raw = await server.connect();
      for (let id = 1; id <= MAX_SUBSCRIPTIONS_PER_CONNECTION; id++) {
        raw.send({ t: 'sub', id, ...everyKind(id) });
      }
      const scans = Array.from({ length: MAX_SUBSCRIPTIONS_PER_CONNECTION }, (_, i) => i + 1)
        .map(everyKind)
        .filter((k) => /search|export|aggregate/.test(k.name)).length;
      await waitFor(
        () => scanSlotsInUse().waiting === scans,
        () => `${scans} scans queued (${JSON.stringify(scanSlotsInUse())})`,
        60_000,
      );
      expect(server.api.connectionStats()).toMatchObject([
        { subscriptions: MAX_SUBSCRIPTIONS_PER_CONNECTION },
      ]);
      expect(raw.messages.filter((m) => m.t === 'sub-error')).toEqual([]);

      raw.ws.terminate(); // no close handshake: the peer just vanishes
      await waitFor(() => server.api.connections === 0, 'the server to see the drop');
      expect(scanSlotsInUse()).toEqual({ running: 8, waiting: 0 });
    } finally {
      for (const release of holds) release();
    }
    await waitFor(() => scanSlotsInUse().running === 0, 'the held slots to free');
    // No queued export ever started: no file, whole or partial.
    expect(new Set(await readdir(exports))).toEqual(exported);
    let now = baseline;
    await waitFor(
      async () => {
        now = await handles();
        return now.timers <= baseline.timers && now.fds <= baseline.fds;
      },
      () => `timers and files back to ${JSON.stringify(baseline)}, at ${JSON.stringify(now)}`,
      60_000,
    );

    // Appends reach no leftover listener: the server still answers, and a new follower.
    await server.services.broker.send([
      {
        topic: 'logs',
        partition: 0,
        timestamp: Date.now(),
        key: null,
        value: Buffer.from('x'),
        headers: [],
      },
    ]);
    const after = await server.connect();
    after.send({ t: 'sub', id: 1, name: 'messages.tail', params: { topic: 'logs' } });
    await waitFor(
      () =>
        after.messages.some((m) => m.t === 'event' && JSON.stringify(m).includes('"total":1001')),
      'a tail event with the new message',
    );
  });

  it(`answers a call past ${MAX_CALLS_IN_FLIGHT_PER_CONNECTION} in flight with RESOURCE_EXHAUSTED, and answers the others`, async () => {
    // A "Kafka cluster" that accepts connections and never answers holds every call made on
    // it until its timeout.
    const silent: Socket[] = [];
    const peer: Server = createServer((s) => void silent.push(s));
    await new Promise<void>((resolve) => peer.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = peer.address() as AddressInfo;
      const client = server.client();
      await client.call('clusters.add', {
        name: 'silent',
        bootstrapServers: [`127.0.0.1:${port}`],
      });
      const raw = await server.connect();
      for (let id = 1; id <= MAX_CALLS_IN_FLIGHT_PER_CONNECTION; id++) {
        raw.send({ t: 'call', id, name: 'topics.list', params: { cluster: 'silent' } });
      }
      await waitFor(
        () => server.api.connectionStats()[1]?.callsInFlight === MAX_CALLS_IN_FLIGHT_PER_CONNECTION,
        'every call in flight',
      );
      const over = MAX_CALLS_IN_FLIGHT_PER_CONNECTION + 1;
      raw.send({ t: 'call', id: over, name: 'system.info', params: {} });
      const refused = await answered(raw, 'result', over);
      expect(refused).toMatchObject({ ok: false, error: { code: 'RESOURCE_EXHAUSTED' } });
      // A call reusing the id of one in flight is refused, not run a second time.
      raw.send({ t: 'call', id: 1, name: 'system.info', params: {} });
      expect(await answered(raw, 'result', 1)).toMatchObject({
        ok: false,
        error: { code: 'ALREADY_EXISTS' },
      });
      // Other connections are not held up by it.
      await expect(client.call('system.info', {})).resolves.toMatchObject({ mode: 'test' });

      // The held calls fail once the peer goes; then the connection takes calls again.
      peer.close();
      for (const s of silent) s.destroy();
      await waitFor(
        () => server.api.connectionStats()[1]?.callsInFlight === 0,
        'the held calls to end',
        60_000,
      );
      raw.send({ t: 'call', id: over + 1, name: 'system.info', params: {} });
      expect(await answered(raw, 'result', over + 1)).toMatchObject({ ok: true });
    } finally {
      peer.close();
      for (const s of silent) s.destroy();
    }
  });

  it('drops the results of calls, not the process, for a client that stops reading its socket', async () => {
    const value = 'v'.repeat(512 * 1024);
    await server.services.broker.createTopic('big');
    await server.services.broker.send([
      {
        topic: 'big',
        partition: 0,
        timestamp: 1,
        key: null,
        value: Buffer.from(value),
        headers: [],
      },
    ]);
    const raw = await server.connect();
    raw.ws.pause(); // reads nothing from here on
    const calls = 200; // ~100 MiB of answers
    const params = { topic: 'big', partition: 0, offset: 0, previewBytes: 1024 * 1024 };
    for (let id = 1; id <= calls; id++) raw.send({ t: 'call', id, name: 'messages.get', params });
    await waitFor(
      () => server.api.connectionStats()[0]?.callsAnswered === calls,
      'every call answered',
      60_000,
    );
    // What the server holds for the client stays near the limit (one answer over at most).
    const [{ bufferedBytes }] = server.api.connectionStats();
    expect(bufferedBytes).toBeLessThan(MAX_BUFFERED_BYTES + 2 * 1024 * 1024);

    raw.ws.resume();
    await waitFor(
      () => raw.messages.filter((m) => m.t === 'result').length === calls,
      'answers',
      60_000,
    );
    const results = raw.messages.filter((m): m is Frame => m.t === 'result');
    const ok = results.filter((m) => m.ok);
    const dropped = results.filter((m) => !m.ok);
    expect(ok.length).toBeGreaterThan(0);
    expect(dropped.length).toBeGreaterThan(0);
    for (const m of dropped) expect(m.error).toMatchObject({ code: 'UNAVAILABLE' });
    // Once it reads again, the connection serves as before.
    raw.send({ t: 'call', id: calls + 1, name: 'messages.get', params });
    expect(await answered(raw, 'result', calls + 1)).toMatchObject({ ok: true });
  });

  it('drops a connection that never reads but keeps calling, once its unread answers pass the hard limit', async () => {
    const small = await startWsServer({ bufferedBytes: 256 * 1024, bufferedBytesHard: 512 * 1024 });
    try {
      const raw = await small.connect();
      raw.ws.pause();
      let closed = false;
      void raw.closed.then(() => (closed = true));
      let sent = 0;
      // Tiny answers, a batch at a time (under the calls-in-flight limit), until dropped.
      while (!closed && small.api.connections > 0 && sent < 200_000) {
        for (let i = 0; i < 200; i++)
          raw.send({ t: 'call', id: ++sent, name: 'system.info', params: {} });
        await waitFor(
          () =>
            small.api.connections === 0 || small.api.connectionStats()[0].callsAnswered === sent,
          'the batch answered',
        );
      }
      await waitFor(() => small.api.connections === 0, 'the connection to be dropped');
      // Everyone else is served as before.
      await expect(small.client().call('system.info', {})).resolves.toMatchObject({ mode: 'test' });
    } finally {
      await small.close();
    }
  });

  it('answers a result or event over the frame limit with MESSAGE_TOO_LARGE instead of sending it, and goes on', async () => {
    const small = await startWsServer({ frameChars: 64 * 1024 });
    try {
      const { broker } = small.services;
      await broker.createTopic('big');
      const value = Buffer.from('v'.repeat(100 * 1024));
      await broker.send([
        { topic: 'big', partition: 0, timestamp: 1, key: null, value, headers: [] },
      ]);
      const raw = await small.connect();
      const at = { topic: 'big', partition: 0, offset: 0 };
      raw.send({
        t: 'call',
        id: 1,
        name: 'messages.get',
        params: { ...at, previewBytes: 256 * 1024 },
      });
      expect(await answered(raw, 'result', 1)).toMatchObject({
        ok: false,
        error: { code: 'MESSAGE_TOO_LARGE' },
      });
      // A subscription whose event is too large ends with the error.
      const newest = { count: 200, pageSize: 100, previewBytes: 4096 };
      const rows = Array.from({ length: 30 }, (_, i) => ({
        topic: 'big',
        partition: 0,
        timestamp: 2 + i,
        key: null,
        value: Buffer.from('w'.repeat(4096)),
        headers: [],
      }));
      await broker.send(rows);
      raw.send({ t: 'sub', id: 2, name: 'messages.tail', params: { topic: 'big', newest } });
      expect((await answered(raw, 'sub-error', 2)).error).toMatchObject({
        code: 'MESSAGE_TOO_LARGE',
      });
      expect(small.api.connectionStats()).toMatchObject([{ subscriptions: 0 }]);
      // Asking for less works on the same connection.
      raw.send({
        t: 'call',
        id: 3,
        name: 'messages.get',
        params: { ...at, previewBytes: 16 * 1024 },
      });
      expect(await answered(raw, 'result', 3)).toMatchObject({ ok: true });
    } finally {
      await small.close();
    }
  });

  it('ends the fast tail of a client that stops reading with UNAVAILABLE, its unread bytes bounded', async () => {
    const limit = 2 * 1024 * 1024;
    const small = await startWsServer({ bufferedBytes: limit });
    try {
      const { broker } = small.services;
      await broker.createTopic('fast');
      const raw = await small.connect();
      raw.ws.pause();
      const newest = { count: 200, pageSize: 100, previewBytes: 4096 };
      raw.send({ t: 'sub', id: 1, name: 'messages.tail', params: { topic: 'fast', newest } });
      await waitFor(() => small.api.connectionStats()[0].subscriptions === 1, 'the tail');
      // Each event carries up to 300 rows of 4 KiB: ~1.2 MB.
      const value = Buffer.from('x'.repeat(4096));
      const stats = () => small.api.connectionStats()[0];
      let t = 0;
      while (stats().subscriptions === 1 && t < 20_000) {
        const sent = stats().eventsSent;
        const batch = Array.from({ length: 100 }, () => ({
          topic: 'fast',
          partition: 0,
          timestamp: ++t,
          key: null,
          value,
          headers: [],
        }));
        await broker.send(batch);
        // One event per batch: the tail sends at most 10 a second, whatever is appended.
        await waitFor(
          () => stats().eventsSent > sent || stats().subscriptions === 0,
          'the next tail event',
        );
      }
      expect(stats().subscriptions).toBe(0);
      expect(stats().bufferedBytes).toBeLessThan(limit + 2 * 1024 * 1024);
      raw.ws.resume();
      const ended = await answered(raw, 'sub-error', 1);
      expect(ended.error).toMatchObject({ code: 'UNAVAILABLE' });
      // The connection itself goes on.
      raw.send({ t: 'call', id: 2, name: 'system.info', params: {} });
      expect(await answered(raw, 'result', 2)).toMatchObject({ ok: true });
    } finally {
      await small.close();
    }
  });
});
