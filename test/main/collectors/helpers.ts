import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { Broker } from '../../../src/main/broker/broker';
import { LocalCluster } from '../../../src/main/cluster';
import type { StoredRecord } from '../../../src/main/storage/api';
import { defaultLogConfig } from '../../../src/main/storage';
import { validateClientBatches } from '../../../src/main/storage/validate-append';
import { silentLogger } from '../../../src/main/logger';
import { CollectorManager } from '../../../src/main/collectors';
import { waitFor as sharedWaitFor, type Truthy } from '../../wait';

export async function tempDir(
  prefix = 'logdock-collectors-',
): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export function openBroker(dataDir: string): Promise<Broker> {
  return Broker.open({ dataDir, logger: silentLogger, autoCreateTopics: true });
}

export interface CollectorFixture {
  dir: string;
  broker: Broker;
  manager: CollectorManager;
  /** Closes the manager, then the broker, then removes the directory. */
  close(): Promise<void>;
}

/** A temporary directory with a real broker and a started manager (no default source) on `<dir>/data`. */
export async function startCollectors(): Promise<CollectorFixture> {
  const { dir, cleanup } = await tempDir();
  const broker = await openBroker(join(dir, 'data'));
  const manager = new CollectorManager({
    cluster: new LocalCluster(broker),
    dataDir: join(dir, 'data'),
    defaultSource: false,
  });
  await manager.start();
  return {
    dir,
    broker,
    manager,
    async close() {
      await manager.close();
      await broker.close();
      await cleanup();
    },
  };
}

/** A fresh startCollectors() fixture per test, closed after it; read its fields inside tests. */
export function useCollectors(): CollectorFixture {
  const current = {} as CollectorFixture;
  beforeEach(async () => {
    Object.assign(current, await startCollectors());
  });
  afterEach(() => current.close());
  return current;
}

/** Polls `check` until it returns a truthy value (a throwing check counts as not yet). */
export function waitFor<T>(
  what: string,
  check: () => T | Promise<T>,
  timeoutMs = 20_000,
): Promise<Truthy<Awaited<T>>> {
  return sharedWaitFor(check, what, { timeoutMs, intervalMs: 20, retryOnError: true });
}

/** Every record of every partition of `topic`, partition by partition. */
export async function readAll(broker: Broker, topic: string): Promise<StoredRecord[]> {
  const out: StoredRecord[] = [];
  let desc;
  try {
    desc = broker.describeTopic(topic);
  } catch {
    return out;
  }
  for (const p of desc.partitions) {
    let offset = p.logStartOffset;
    while (offset < p.logEndOffset) {
      const recs = await broker.readRecords(topic, p.partition, offset, { maxRecords: 10_000 });
      if (recs.length === 0) break;
      out.push(...recs);
      offset = recs[recs.length - 1].offset + 1;
    }
  }
  return out;
}

/**
 * The number of batches stored in `topic`, each passing the full check of a client's
 * Produce (CRC-32C and every record): collectors that append with `encodedHere` skip it,
 * so their encoders must get it right on their own. Throws CORRUPT_RECORD otherwise.
 */
export async function checkStoredBatches(broker: Broker, topic: string): Promise<number> {
  let batches = 0;
  for (const p of broker.describeTopic(topic).partitions) {
    let offset = p.logStartOffset;
    while (offset < p.logEndOffset) {
      const { records } = await broker.read(topic, p.partition, offset, 4 << 20);
      const located = validateClientBatches(records, defaultLogConfig(), `${topic}-${p.partition}`);
      batches += located.length;
      const { header } = located[located.length - 1];
      offset = header.baseOffset + header.lastOffsetDelta + 1;
    }
  }
  return batches;
}

export function header(r: StoredRecord, key: string): string | undefined {
  return r.headers.find((h) => h.key === key)?.value?.toString('utf8');
}

export const values = (records: StoredRecord[]) =>
  records.map((r) => r.value?.toString('utf8') ?? '');

/** Line numbers of `g<generation> n<seq> …` records, per generation, in record order. */
export function linesByGeneration(records: StoredRecord[]): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const r of records) {
    const m = /^g(\d+) n(\d+) /.exec(r.value!.toString())!;
    const list = out.get(Number(m[1])) ?? [];
    list.push(Number(m[2]));
    out.set(Number(m[1]), list);
  }
  return out;
}

/** A TCP connection to 127.0.0.1:port, once connected. */
export function connected(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const c = connect(port, '127.0.0.1', () => resolve(c));
    c.on('error', reject);
  });
}

/** Resolves when the listener closes `c` (it ends or resets the connection). */
export function closedByPeer(c: Socket): Promise<void> {
  c.on('error', () => {});
  c.resume();
  return new Promise((resolve) => {
    if (c.closed) resolve();
    c.once('close', () => resolve());
  });
}
