import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogdockError } from '../../../src/common/errors';
import { openBroker, type Broker } from '../../../src/main/broker';
import { LocalCluster } from '../../../src/main/cluster';
import { scanRange } from '../../../src/main/search/scan';
import { iterateBatches, segmentFileName } from '../../../src/main/storage';

/**
 * A search checks the batches a read brings for the first time in its worker threads (the
 * read leaves them to it): what it finds must be what a plain read finds.
 */
const TOPIC = 'checked';
const BATCHES = 100;
const PER_BATCH = 10;

let dir: string;
const opened: Broker[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'logdock-scan-corrupt-'));
  const broker = await openBroker({ dataDir: dir, initialRebalanceDelayMs: 0 });
  await broker.createTopic(TOPIC, { partitions: 1 });
  for (let b = 0; b < BATCHES; b++) {
    await broker.send(
      Array.from({ length: PER_BATCH }, (_, i) => ({
        topic: TOPIC,
        partition: 0,
        timestamp: 1000 + b * PER_BATCH + i,
        key: null,
        value: Buffer.from(`line ${b * PER_BATCH + i} of a log that a search reads`),
        headers: [],
      })),
    );
  }
  await broker.close();
});
afterEach(async () => {
  for (const b of opened.splice(0)) await b.close();
  await rm(dir, { recursive: true, force: true });
});

/** A fresh open: nothing read, so nothing checked yet in this process. */
async function open(): Promise<Broker> {
  const broker = await openBroker({ dataDir: dir, initialRebalanceDelayMs: 0 });
  opened.push(broker);
  return broker;
}

/** Flips the bits of the byte `at` bytes into the `k`-th batch; its file, position and base offset. */
async function spoil(k: number, at: number) {
  const file = join(dir, `${TOPIC}-0`, segmentFileName(0, '.log'));
  const bytes = await fs.readFile(file);
  const { position, header } = [...iterateBatches(bytes)][k];
  bytes[position + at] ^= 0xff;
  await fs.writeFile(file, bytes);
  return { file, position, offset: header.baseOffset };
}

/** Searches the whole partition for every message: the offsets found, and the error. */
async function search(broker: Broker, readBytes?: number) {
  const found: number[] = [];
  const error = await scanRange({
    source: new LocalCluster(broker),
    topic: TOPIC,
    partitions: null,
    range: { kind: 'all' },
    query: { text: 'line', caseSensitive: true },
    signal: new AbortController().signal,
    onMatch: (r) => void found.push(r.offset),
    onProgress: () => {},
    readBytes,
  }).then(
    () => null,
    (e: unknown) => e,
  );
  return { found, error };
}

async function readError(broker: Broker, offset: number): Promise<unknown> {
  return broker.read(TOPIC, 0, offset, 1024 * 1024).then(
    () => null,
    (e: unknown) => e,
  );
}

describe('a search over batches not read since the start', () => {
  const spoils = [
    // A byte of the first record's value: inside the CRC.
    { what: 'record bytes', at: 70, reason: 'CRC mismatch' },
    // The base offset's second byte (outside the CRC): 400 becomes 65168.
    { what: 'base offset', at: 6, reason: 'lie outside the segment' },
  ];
  const reads = [
    { where: 'inside one read', readBytes: undefined },
    { where: 'at the start of a read', readBytes: 4096 },
  ];
  it.each(spoils.flatMap((s) => reads.map((r) => ({ ...s, ...r }))))(
    'gives the matches before a batch whose $what changed, then the CORRUPT_RECORD a read meets ($where)',
    async ({ at, reason, readBytes }) => {
      const bad = await spoil(40, at);
      const broker = await open();
      const { found, error } = await search(broker, readBytes);

      expect(found).toEqual(Array.from({ length: bad.offset }, (_, i) => i));
      expect(error).toBeInstanceOf(LogdockError);
      expect((error as LogdockError).code).toBe('CORRUPT_RECORD');
      const message = (error as LogdockError).message;
      expect(message).toContain(`${bad.file} position ${bad.position}: batch (offsets `);
      expect(message).toContain(reason);
      // Reported to the storage health as a reader's find is.
      expect(broker.storageHealth().corrupt).toEqual([
        expect.objectContaining({ file: bad.file, position: bad.position, topic: TOPIC }),
      ]);
      // A plain read in a fresh process meets the same batch with the same error.
      const other = await reopen();
      expect(await readError(other, bad.offset)).toMatchObject({ code: 'CORRUPT_RECORD', message });
      // Nothing stored was lost: the log reads on past it.
      const last = BATCHES * PER_BATCH - 1;
      const after = await other.readRecords(TOPIC, 0, last, { maxRecords: 1 });
      expect(after[0].value?.toString()).toBe(`line ${last} of a log that a search reads`);
    },
  );

  it('counts (facets, histogram) the messages before a corrupt batch, then fails as a read does', async () => {
    const bad = await spoil(40, 70);
    let matched = 0;
    const error = await scanRange({
      source: new LocalCluster(await open()),
      topic: TOPIC,
      partitions: null,
      range: { kind: 'all' },
      query: { text: 'line', caseSensitive: true },
      signal: new AbortController().signal,
      onMatch: () => {},
      onProgress: () => {},
      count: { spec: {}, onCounts: (c) => void (matched += c.matched) },
    }).then(
      () => null,
      (e: unknown) => e,
    );
    const read = await readError(await reopen(), bad.offset);

    expect(matched).toBe(bad.offset);
    expect(read).toMatchObject({ code: 'CORRUPT_RECORD' });
    expect(error).toMatchObject({ code: 'CORRUPT_RECORD', message: (read as Error).message });
  });

  it('leaves the batches it checked checked: reads then hand none to the caller to check', async () => {
    const cluster = new LocalCluster(await open());
    const read = () => cluster.read(TOPIC, 0, 0, 1024 * 1024, undefined, { callerChecks: true });
    expect((await read()).unchecked).toBeDefined();

    const { found, error } = await search(opened[0]);

    expect(error).toBeNull();
    expect(found).toHaveLength(BATCHES * PER_BATCH);
    expect((await read()).unchecked).toBeUndefined();
  });
});

/** The directory opened afresh, the brokers open on it closed first (it is locked). */
async function reopen(): Promise<Broker> {
  for (const b of opened.splice(0)) await b.close();
  return open();
}
