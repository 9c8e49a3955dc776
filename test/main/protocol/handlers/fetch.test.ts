import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Struct } from '../../../../src/main/protocol/codec/compile';
import {
  apiByName,
  decodeResponse,
  encodeRequest,
} from '../../../../src/main/protocol/codec/messages';
import {
  decodeRecordBatch,
  encodeRecordBatch,
  iterateBatches,
} from '../../../../src/main/storage/record-batch';
import { RawClient, useLogdock, waitFor, type Logdock } from '../helpers';

const logdock = useLogdock();

function fetchBody(topic: string, offset: number, maxWaitMs: number, minBytes = 1): Struct {
  return {
    replicaId: -1,
    maxWaitMs,
    minBytes,
    maxBytes: 1 << 20,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        topic,
        partitions: [
          {
            partition: 0,
            currentLeaderEpoch: -1,
            fetchOffset: offset,
            logStartOffset: -1,
            partitionMaxBytes: 1 << 20,
          },
        ],
      },
    ],
    forgottenTopicsData: [],
    rackId: '',
  };
}

/** A Fetch v12 body for `partitions` of `topic`, each from offset 0. */
function multiFetch(
  topic: string,
  partitions: number[],
  limits: { maxBytes: number; partitionMaxBytes: number; maxWaitMs?: number },
): Struct {
  const body = fetchBody(topic, 0, limits.maxWaitMs ?? 0, limits.maxWaitMs ? 1 : 0);
  body.maxBytes = limits.maxBytes;
  (body.topics as Struct[])[0].partitions = partitions.map((partition) => ({
    partition,
    currentLeaderEpoch: -1,
    fetchOffset: 0,
    logStartOffset: -1,
    partitionMaxBytes: limits.partitionMaxBytes,
  }));
  return body;
}

/** Fills each of `partitions` partitions of `topic` with `batches` batches of `size` bytes. */
async function fillPartitions(
  ld: Logdock,
  topic: string,
  partitions: number,
  batches: number,
  size: number,
): Promise<void> {
  await ld.broker.createTopic(topic, { partitions });
  for (let p = 0; p < partitions; p++)
    for (let b = 0; b < batches; b++)
      await ld.broker.send([{ topic, partition: p, value: Buffer.alloc(size, 97 + b) }]);
}

function recordBytes(res: Struct): number[] {
  return ((res.responses as Struct[])[0].partitions as Struct[]).map(
    (p) => (p.records as Buffer).length,
  );
}

function firstPartition(res: Struct): Struct {
  return ((res.responses as Struct[])[0].partitions as Struct[])[0];
}

describe('Fetch', () => {
  it('waits for data, and answers as soon as a record is appended', async () => {
    const ld = await logdock.start();
    await ld.broker.createTopic('tail', { partitions: 1 });
    const c = await logdock.client(ld.port);
    const pending = c.request('Fetch', 12, fetchBody('tail', 0, 60_000));
    // The fetch is parked on the empty log: nothing can be in its answer yet.
    await waitFor(() => ld.server.connectionCount() === 1, 'the fetch connection');
    await ld.broker.send([{ topic: 'tail', partition: 0, value: Buffer.from('arrived later') }]);
    const part = firstPartition(await pending);
    expect(part.errorCode).toBe(0);
    expect(part.highWatermark).toBe(1);
    const { records } = decodeRecordBatch(part.records as Buffer);
    expect(records.map((r) => r.value?.toString())).toEqual(['arrived later']);
  });

  it('holds a fetch below minBytes until more is appended, and never past what exists', async () => {
    const ld = await logdock.start();
    await ld.broker.send([{ topic: 'min', partition: 0, value: Buffer.from('small') }]);
    const c = await logdock.client(ld.port);
    const pending = c.request('Fetch', 12, fetchBody('min', 0, 60_000, 50_000));
    await ld.broker.send([{ topic: 'min', partition: 0, value: Buffer.alloc(60_000, 'b') }]);
    // Answered once the log holds enough (the read may stop at a batch boundary first).
    const part = firstPartition(await pending);
    expect(part.highWatermark).toBe(2);
    const values: string[] = [];
    let batches = part.records as Buffer;
    let next = 0;
    while (next < 2) {
      for (const { position, size } of iterateBatches(batches)) {
        for (const r of decodeRecordBatch(batches.subarray(position, position + size)).records) {
          if (r.offset >= next) values.push(r.value!.toString().slice(0, 5));
          next = Math.max(next, r.offset + 1);
        }
      }
      if (next < 2)
        batches = firstPartition(await c.request('Fetch', 12, fetchBody('min', next, 0, 0)))
          .records as Buffer;
    }
    expect(values).toEqual(['small', 'bbbbb']);
  });

  it('answers empty after maxWaitMs when no data comes', async () => {
    const ld = await logdock.start();
    await ld.broker.createTopic('quiet', { partitions: 1 });
    const c = await logdock.client(ld.port);
    const part = firstPartition(await c.request('Fetch', 11, fetchBody('quiet', 0, 100)));
    expect(part.errorCode).toBe(0);
    expect((part.records as Buffer).length).toBe(0);
  });

  it('returns the stored batch bytes unchanged (no re-encoding)', async () => {
    const ld = await logdock.start();
    await ld.broker.send(
      [1, 2, 3].map((i) => ({ topic: 'exact', partition: 0, value: Buffer.from(`v${i}`) })),
    );
    const stored = (await ld.broker.read('exact', 0, 0, 1 << 20)).records;
    const c = await logdock.client(ld.port);
    const part = firstPartition(await c.request('Fetch', 12, fetchBody('exact', 0, 0, 0)));
    expect((part.records as Buffer).equals(stored)).toBe(true);
  });

  it('answers pipelined large fetches to a client slow to read, each with its own batch', async () => {
    let received = 0;
    const ld = await logdock.start({ tap: () => received++ });
    await fillPartitions(ld, 'slow', 1, 16, 900_000);
    const c = await logdock.client(ld.port);
    // 16 responses of ~900 KB queue up in the socket while the client reads nothing: a
    // buffer a response was read into must not serve a later fetch before it is written.
    c.socket.pause();
    const answers = Array.from({ length: 16 }, () => c.nextFrame());
    for (let offset = 0; offset < 16; offset++) {
      const body = fetchBody('slow', offset, 0, 0);
      c.sendRaw(encodeRequest(apiByName('Fetch'), 12, offset + 1, 't', body));
    }
    await waitFor(
      () => received === 16 && ld.server.busyConnectionCount() === 0,
      'all 16 fetches served (their responses unread)',
    );
    c.socket.resume();
    const frames = await Promise.all(answers);
    frames.forEach((frame, offset) => {
      const part = firstPartition(decodeResponse(apiByName('Fetch'), 12, frame).body);
      const { header, records } = decodeRecordBatch(part.records as Buffer);
      expect(header.baseOffset).toBe(offset);
      const value = records[0].value as Buffer;
      expect([value.length, value[0], value.every((b) => b === value[0])]).toEqual([
        900_000,
        97 + offset,
        true,
      ]);
    });
  });

  /**
   * Stores 40 one-record batches of `value(i)` in `topic` (created with `configs`), flips a
   * byte under the CRC of batch `k`'s record, and restarts: the Logdock, a client and what
   * the corrupt batch's finding must say.
   */
  async function withCorruptBatch(
    topic: string,
    k: number,
    value: (i: number) => Buffer,
    configs: Record<string, string> = {},
  ) {
    const first = await logdock.start();
    await first.broker.createTopic(topic, { configs });
    for (let i = 0; i < 40; i++)
      await first.broker.send([{ topic, partition: 0, value: value(i) }]);
    await first.stop();
    const file = join(first.dir, `${topic}-0`, '00000000000000000000.log');
    const bytes = await readFile(file);
    const bad = [...iterateBatches(bytes)][k];
    bytes[bad.position + 65] ^= 0xff; // inside the record, under the CRC
    await writeFile(file, bytes);
    const ld = await logdock.start({}, first.dir);
    const c = await logdock.client(ld.port);
    const finding = expect.objectContaining({ topic, partition: 0, file, position: bad.position });
    const fetchFrom = async (offset: number) =>
      firstPartition(await c.request('Fetch', 12, fetchBody(topic, offset, 0, 0)));
    return { ld, fetchFrom, finding };
  }

  const baseOffsets = (part: Struct) =>
    [...iterateBatches(part.records as Buffer)].map((b) => b.header.baseOffset);

  it('answers up to a corrupt stored batch, then CORRUPT_MESSAGE for it, and logs it', async () => {
    const { ld, fetchFrom, finding } = await withCorruptBatch(
      'rot',
      2,
      (i) => Buffer.from(`v${i}`),
      { 'segment.bytes': '1024' },
    );
    const head = await fetchFrom(0);
    expect(head.errorCode).toBe(0);
    expect(baseOffsets(head)).toEqual([0, 1]);
    expect((await fetchFrom(2)).errorCode).toBe(2); // CORRUPT_MESSAGE
    expect(ld.broker.storageHealth().corrupt).toEqual([finding]);
  });

  it('answers a large read checked on the worker thread the same way: up to a corrupt batch, then CORRUPT_MESSAGE', async () => {
    // Batches of 10 KB: reads of ~200-400 KB, past OFF_THREAD_READ_CHECK_BYTES.
    const { ld, fetchFrom, finding } = await withCorruptBatch('big', 20, () =>
      Buffer.alloc(10_000, 97),
    );
    const head = await fetchFrom(0);
    expect(head.errorCode).toBe(0);
    expect(baseOffsets(head)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect((await fetchFrom(20)).errorCode).toBe(2); // CORRUPT_MESSAGE
    expect(ld.broker.storageHealth().corrupt).toEqual([finding]);
    const after = await fetchFrom(21);
    expect(after.errorCode).toBe(0);
    expect(baseOffsets(after)).toHaveLength(19);
  });

  it('reports an offset beyond the log end as OFFSET_OUT_OF_RANGE', async () => {
    const ld = await logdock.start();
    await ld.broker.send([{ topic: 'short', partition: 0, value: Buffer.from('only') }]);
    const c = await logdock.client(ld.port);
    const part = firstPartition(await c.request('Fetch', 12, fetchBody('short', 50, 0, 0)));
    expect(part.errorCode).toBe(1);
    expect(part.highWatermark).toBe(1);
  });

  it('ends a waiting fetch when its client disconnects, without disturbing others', async () => {
    const ld = await logdock.start();
    await ld.broker.createTopic('parked', { partitions: 1 });
    const waiting = await RawClient.connect(ld.port);
    void waiting.request('Fetch', 12, fetchBody('parked', 0, 60_000)).catch(() => undefined);
    const other = await logdock.client(ld.port);
    await waitFor(() => ld.server.connectionCount() === 2, 'two connections');
    waiting.close();
    await waitFor(() => ld.server.connectionCount() === 1, 'the parked connection to be released');
    expect((await other.request('ApiVersions', 3, {})).errorCode).toBe(0);
  });

  it.each(['gzip', 'snappy', 'lz4', 'zstd'] as const)(
    'down-converts %s-compressed batches for Fetch v3 (message format v1, uncompressed)',
    async (compression) => {
      const ld = await logdock.start();
      await ld.broker.createTopic('packed', { partitions: 1 });
      const values = ['alpha', 'beta', 'gamma'];
      const batch = encodeRecordBatch(
        values.map((v, i) => ({ value: Buffer.from(v), timestamp: 1_700_000_000_000 + i })),
        { compression },
      );
      await ld.broker.appendBatches('packed', 0, batch);
      const c = await logdock.client(ld.port);
      const part = firstPartition(
        await c.request('Fetch', 3, {
          replicaId: -1,
          maxWaitMs: 0,
          minBytes: 0,
          maxBytes: 1 << 20,
          topics: [
            {
              topic: 'packed',
              partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20 }],
            },
          ],
        }),
      );
      const set = part.records as Buffer;
      const got: string[] = [];
      for (let pos = 0; pos < set.length;) {
        // offset(8) size(4) crc(4) magic(1) attributes(1) timestamp(8) key(4+n) value(4+n)
        expect(set.readInt8(pos + 16)).toBe(1);
        expect(set.readInt8(pos + 17) & 0x07).toBe(0);
        let p = pos + 26;
        const keyLen = set.readInt32BE(p);
        p += 4 + Math.max(0, keyLen);
        const valueLen = set.readInt32BE(p);
        got.push(set.subarray(p + 4, p + 4 + valueLen).toString());
        pos += 12 + set.readInt32BE(pos + 8);
      }
      expect(got).toEqual(values);
    },
  );

  it.each([0, 4, 11, 12])(
    'answers an out-of-range partition with an empty record set, not a null one (v%i)',
    async (version) => {
      const ld = await logdock.start();
      await ld.broker.send(
        [1, 2, 3].map((i) => ({ topic: 'gone', partition: 0, value: Buffer.from(`v${i}`) })),
      );
      await ld.broker.deleteRecords('gone', 0, 2);
      const c = await logdock.client(ld.port);
      const part = firstPartition(await c.request('Fetch', version, fetchBody('gone', 0, 0, 0)));
      expect(part.errorCode).toBe(1);
      expect(part.records).toEqual(Buffer.alloc(0));
      if (version >= 5) expect(part.logStartOffset).toBe(2);
    },
  );

  it('answers an unknown partition with an empty record set too', async () => {
    const ld = await logdock.start();
    await ld.broker.createTopic('one', { partitions: 1 });
    const c = await logdock.client(ld.port);
    const body = multiFetch('one', [7], { maxBytes: 1 << 20, partitionMaxBytes: 1 << 20 });
    const part = firstPartition(await c.request('Fetch', 12, body));
    expect(part.errorCode).toBe(3);
    expect(part.records).toEqual(Buffer.alloc(0));
  });

  it('keeps a response within maxBytes: only the first partition with data may exceed it', async () => {
    const ld = await logdock.start();
    await fillPartitions(ld, 'wide', 4, 3, 100_000);
    const c = await logdock.client(ld.port);
    const limits = { maxBytes: 250_000, partitionMaxBytes: 1 << 20 };
    const sizes = recordBytes(
      await c.request('Fetch', 12, multiFetch('wide', [0, 1, 2, 3], limits)),
    );
    expect(sizes.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(250_000);
    expect(sizes[0]).toBeGreaterThan(100_000);
    // A first batch larger than the whole limit still comes back, alone, so consumers progress.
    const tiny = { maxBytes: 1000, partitionMaxBytes: 1 << 20 };
    const alone = recordBytes(await c.request('Fetch', 12, multiFetch('wide', [0, 1, 2, 3], tiny)));
    expect(alone[0]).toBeGreaterThan(100_000);
    expect(alone.slice(1)).toEqual([0, 0, 0]);
  });

  it('honours partitionMaxBytes for every partition after the first with data', async () => {
    const ld = await logdock.start();
    await fillPartitions(ld, 'per', 3, 3, 100_000);
    const c = await logdock.client(ld.port);
    const fits = { maxBytes: 1 << 24, partitionMaxBytes: 150_000 };
    const one = recordBytes(await c.request('Fetch', 12, multiFetch('per', [0, 1, 2], fits)));
    for (const size of one) {
      expect(size).toBeGreaterThan(100_000);
      expect(size).toBeLessThanOrEqual(150_000);
    }
    const small = { maxBytes: 1 << 24, partitionMaxBytes: 50_000 };
    const none = recordBytes(await c.request('Fetch', 12, multiFetch('per', [0, 1, 2], small)));
    expect(none[0]).toBeGreaterThan(100_000);
    expect(none.slice(1)).toEqual([0, 0]);
  });

  it('waits on many partitions without piling listeners onto one AbortSignal', async () => {
    const ld = await logdock.start();
    await ld.broker.createTopic('many', { partitions: 16 });
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    logdock.onCleanup(() => process.off('warning', onWarning));
    const c = await logdock.client(ld.port);
    const all = [...Array(16).keys()];
    const limits = { maxBytes: 1 << 20, partitionMaxBytes: 1 << 20, maxWaitMs: 60_000 };
    const pending = c.request('Fetch', 12, multiFetch('many', all, limits));
    await waitFor(() => ld.server.connectionCount() === 1, 'the fetch connection');
    await new Promise((r) => setImmediate(r));
    await ld.broker.send([{ topic: 'many', partition: 9, value: Buffer.from('wake') }]);
    const sizes = recordBytes(await pending);
    expect(sizes[9]).toBeGreaterThan(0);
    // Node reports listener warnings on the next tick.
    await new Promise((r) => setImmediate(r));
    expect(warnings.filter((w) => w.includes('MaxListeners'))).toEqual([]);
  });
});
