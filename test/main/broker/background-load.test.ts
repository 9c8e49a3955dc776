import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openBroker, type Broker } from '../../../src/main/broker';
import { LocalCluster } from '../../../src/main/cluster';
import { CLEAN_SHUTDOWN_FILE } from '../../../src/main/storage';
import { useBrokerDir } from './helpers';

const PARTITIONS = 4;
const RECORDS = 5;
/** Long enough that nothing loads by itself during a test: only what is needed loads. */
const NEVER_MS = 10 * 60_000;

/** Topic `big`: partition p holds "p<p>-0".."p<p>-4" at offsets 0..4. Closed cleanly. */
async function writeTopic(dataDir: string): Promise<void> {
  const b = await openBroker({ dataDir, scrub: false });
  await b.createTopic('big', { partitions: PARTITIONS });
  for (let p = 0; p < PARTITIONS; p++)
    await b.send(
      Array.from({ length: RECORDS }, (_, i) => ({
        topic: 'big',
        partition: p,
        value: Buffer.from(`p${p}-${i}`),
      })),
    );
  await b.close();
}

async function valuesOf(b: Broker, partition: number): Promise<string[]> {
  const records = await b.readRecords('big', partition, 0, { maxRecords: 100 });
  return records.map((r) => r.value!.toString());
}

const expected = (p: number) => Array.from({ length: RECORDS }, (_, i) => `p${p}-${i}`);

describe('a broker loading its partitions in the background', () => {
  const fixture = useBrokerDir();

  it('opens before its partitions load, and a partition read first loads at once and answers with its records', async () => {
    await writeTopic(fixture.dir);
    const b = (fixture.broker = await openBroker({
      dataDir: fixture.dir,
      scrub: false,
      loadInBackground: true,
      loadDelayMs: NEVER_MS,
    }));
    // __consumer_offsets loaded before open() returned (groups need it); big's wait.
    const loading = b.storageHealth().loading!;
    expect(loading.total - loading.done).toBe(PARTITIONS);
    expect(b.describeTopic('big').partitions.map((p) => p.logEndOffset)).toEqual([0, 0, 0, 0]);

    expect(await valuesOf(b, 2)).toEqual(expected(2));
    expect(b.describeTopic('big').partitions[2].logEndOffset).toBe(RECORDS);
    // Only the partition asked for loaded.
    expect(b.describeTopic('big').partitions[0].logEndOffset).toBe(0);
    expect(b.storageHealth().loading!.done).toBe(loading.done + 1);

    // Offsets another reader compares with the end are final once whenRecovered resolves.
    await b.whenRecovered('big', 3);
    expect(b.describeTopic('big').partitions[3]).toMatchObject({
      logStartOffset: 0,
      logEndOffset: RECORDS,
    });
  });

  it('appends to a partition still loading after its last stored record, never over it', async () => {
    await writeTopic(fixture.dir);
    const b = (fixture.broker = await openBroker({
      dataDir: fixture.dir,
      scrub: false,
      loadInBackground: true,
      loadDelayMs: NEVER_MS,
    }));
    const [meta] = await b.send([{ topic: 'big', partition: 1, value: Buffer.from('new') }]);
    expect(meta.offset).toBe(RECORDS);
    expect(await valuesOf(b, 1)).toEqual([...expected(1), 'new']);
  });

  it('loads every partition by itself, shows the progress until then, and then knows every end', async () => {
    await writeTopic(fixture.dir);
    const b = (fixture.broker = await openBroker({
      dataDir: fixture.dir,
      scrub: false,
      loadInBackground: true,
    }));
    await b.whenLoaded();
    expect(b.storageHealth().loading).toBeNull();
    expect(b.describeTopic('big').partitions.map((p) => p.logEndOffset)).toEqual(
      Array(PARTITIONS).fill(RECORDS),
    );
    for (let p = 0; p < PARTITIONS; p++) expect(await valuesOf(b, p)).toEqual(expected(p));
  });

  it("lists topics through the cluster interface with every partition's end, waiting for the loads", async () => {
    await writeTopic(fixture.dir);
    const b = (fixture.broker = await openBroker({
      dataDir: fixture.dir,
      scrub: false,
      loadInBackground: true,
      loadDelayMs: 200,
    }));
    const [big] = await new LocalCluster(b).listTopics();
    expect(big.partitions.map((p) => p.logEndOffset)).toEqual(Array(PARTITIONS).fill(RECORDS));
  });

  it('closes while partitions wait to load without touching their files, and they reopen intact', async () => {
    await writeTopic(fixture.dir);
    const b = await openBroker({
      dataDir: fixture.dir,
      scrub: false,
      loadInBackground: true,
      loadDelayMs: NEVER_MS,
    });
    expect(await valuesOf(b, 0)).toEqual(expected(0));
    await b.close();
    for (let p = 0; p < PARTITIONS; p++)
      expect(existsSync(join(fixture.dir, `big-${p}`, CLEAN_SHUTDOWN_FILE))).toBe(true);
    const again = (fixture.broker = await openBroker({ dataDir: fixture.dir, scrub: false }));
    for (let p = 0; p < PARTITIONS; p++) expect(await valuesOf(again, p)).toEqual(expected(p));
  });

  /** `big` written, group `g` committed at offset 2 of every partition; opened, loads waiting. */
  async function openWithGroup(): Promise<Broker> {
    await writeTopic(fixture.dir);
    const w = await openBroker({ dataDir: fixture.dir, scrub: false });
    await w.groups.commitOffsets(
      { groupId: 'g', generationId: -1, memberId: '' },
      Array.from({ length: PARTITIONS }, (_, partition) => ({
        topic: 'big',
        partition,
        offset: 2,
      })),
    );
    await w.close();
    return (fixture.broker = await openBroker({
      dataDir: fixture.dir,
      scrub: false,
      loadInBackground: true,
      loadDelayMs: NEVER_MS,
    }));
  }

  it("reports a group's lag from the real ends of partitions still loading, not from 0", async () => {
    const b = await openWithGroup();
    const lag = await new LocalCluster(b).groupLag('g');
    expect(lag).toEqual(
      Array.from({ length: PARTITIONS }, (_, partition) => ({
        topic: 'big',
        partition,
        committedOffset: 2,
        logEndOffset: RECORDS,
        lag: RECORDS - 2,
      })),
    );
  });

  it('resets a group to the latest offsets of partitions still loading, never rewinding it to 0', async () => {
    const b = await openWithGroup();
    const cluster = new LocalCluster(b);
    const target = { topic: 'big', spec: { kind: 'latest' as const } };
    const plan = await cluster.planOffsetReset('g', target);
    expect(plan.map((e) => e.newOffset)).toEqual(Array(PARTITIONS).fill(RECORDS));
    await b.close();
    const again = (fixture.broker = await openBroker({
      dataDir: fixture.dir,
      scrub: false,
      loadInBackground: true,
      loadDelayMs: NEVER_MS,
    }));
    await new LocalCluster(again).resetGroupOffsets('g', target, { dryRun: false });
    expect([...again.committedOffsets('g').values()]).toEqual(Array(PARTITIONS).fill(RECORDS));
  });

  it('answers a wait for data at once when a partition still loading holds the offset', async () => {
    const b = await openWithGroup();
    expect(b.describeTopic('big').partitions[1].logEndOffset).toBe(0); // not loaded yet
    // Before, this waited for the next append (here: the whole minute) and said false.
    expect(await b.waitForData('big', 1, RECORDS - 1, 60_000)).toBe(true);
  });

  it('keeps serving the other partitions when one fails to load, and fails only its reads', async () => {
    await writeTopic(fixture.dir);
    // A directory where partition.meta should be: reading it fails (EISDIR).
    const meta = join(fixture.dir, 'big-3', 'partition.meta');
    await rm(meta);
    await mkdir(meta);
    const b = (fixture.broker = await openBroker({
      dataDir: fixture.dir,
      scrub: false,
      loadInBackground: true,
    }));
    await b.whenLoaded();
    await expect(b.readRecords('big', 3, 0)).rejects.toMatchObject({
      code: 'IO_ERROR',
      message: expect.stringContaining(join(fixture.dir, 'big-3')),
    });
    for (let p = 0; p < 3; p++) expect(await valuesOf(b, p)).toEqual(expected(p));
    expect(b.storageHealth().loading).toBeNull();
  });
});
