/**
 * Topic administration's one rule (topic-admin.ts): after a failure at any step of a change,
 * the catalogue, the partition directories and what the broker serves agree, before and
 * after a restart, and no acked record is lost.
 */
import { describe, expect, it } from 'vitest';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { LogdockError } from '../../../src/common/errors';
import { openBroker, type Broker } from '../../../src/main/broker';
import type { AdminStep } from '../../../src/main/broker/topic-admin';
import { useBrokerDir } from './helpers';

const fx = useBrokerDir();

/** Partition counts per user topic: in topics.json, served, and as directories on disk. */
async function views(b: Broker | null, dir: string) {
  const catalogue = JSON.parse(await readFile(join(dir, 'topics.json'), 'utf8')) as {
    topics: { name: string; partitions: number }[];
  };
  const fromCatalogue = Object.fromEntries(
    catalogue.topics.filter((t) => !t.name.startsWith('__')).map((t) => [t.name, t.partitions]),
  );
  const onDisk: Record<string, number> = {};
  for (const name of await readdir(dir)) {
    const m = /^(.+)-(\d+)$/.exec(name);
    if (m && !m[1].startsWith('__')) onDisk[m[1]] = (onDisk[m[1]] ?? 0) + 1;
  }
  const served = b
    ? Object.fromEntries(b.listTopics().map((t) => [t.name, t.partitions.length]))
    : fromCatalogue;
  return { fromCatalogue, onDisk, served };
}

async function expectConsistent(b: Broker | null, dir: string, expected: Record<string, number>) {
  const v = await views(b, dir);
  expect(v).toEqual({ fromCatalogue: expected, onDisk: expected, served: expected });
}

async function count(b: Broker, topic: string, partition: number): Promise<number> {
  return (await b.readRecords(topic, partition, 0, { maxRecords: 10_000 })).length;
}

async function reopen(step?: (s: AdminStep, what: string) => void | Promise<void>) {
  await fx.broker?.close();
  fx.broker = await openBroker({ dataDir: fx.dir, scrub: false, adminStep: step });
  return fx.broker;
}

/** A seam that throws at `at` (once) and records every step it saw. */
function failAt(at: AdminStep) {
  const seen: AdminStep[] = [];
  let armed = false;
  return {
    seen,
    arm: () => (armed = true),
    step: (s: AdminStep) => {
      seen.push(s);
      if (armed && s === at) {
        armed = false;
        throw new LogdockError('IO_ERROR', `injected failure at ${s}`);
      }
    },
  };
}

describe('adding partitions', () => {
  it('never serves a new partition before topics.json names it, so no ack is lost when the write fails', async () => {
    const b = await reopen();
    await b.createTopic('t', { partitions: 1 });
    await b.send([{ topic: 't', partition: 0, value: Buffer.from('kept') }]);
    // topics.json cannot be replaced: its temporary file's name is taken by a directory.
    await mkdir(join(fx.dir, 'topics.json.tmp'));
    await expect(b.createPartitions('t', 3)).rejects.toThrow();
    await expect(
      b.send([{ topic: 't', partition: 2, value: Buffer.from('acked?') }]),
    ).rejects.toMatchObject({ code: 'UNKNOWN_PARTITION' });
    await rm(join(fx.dir, 'topics.json.tmp'), { recursive: true });
    await expectConsistent(b, fx.dir, { t: 1 });

    const again = await reopen();
    await expectConsistent(again, fx.dir, { t: 1 });
    expect(await count(again, 't', 0)).toBe(1);
  });

  it('serves the new partitions only once committed, and they survive a restart', async () => {
    const seams: AdminStep[] = [];
    let inFlight: number[] = [];
    const b = await reopen((s, what) => {
      seams.push(s);
      // While the change is in flight the new partition is not served.
      if (s === 'catalogue' && what === 't' && fx.broker?.listTopics().length)
        inFlight = [fx.broker.describeTopic('t').partitions.length];
    });
    await b.createTopic('t', { partitions: 1 });
    seams.length = 0;
    await b.createPartitions('t', 2);
    expect(seams).toEqual(['dirs-cleared', 'logs-opened', 'catalogue', 'published']);
    expect(inFlight).toEqual([1]);
    await b.send([{ topic: 't', partition: 1, value: Buffer.from('new') }]);
    const again = await reopen();
    await expectConsistent(again, fx.dir, { t: 2 });
    expect(await count(again, 't', 1)).toBe(1);
  });
});

describe.each(['dirs-cleared', 'logs-opened', 'catalogue'] as const)(
  'a failure before the commit point (%s)',
  (at) => {
    it('leaves creating a topic undone', async () => {
      const seam = failAt(at);
      const b = await reopen(seam.step);
      seam.arm();
      await expect(b.createTopic('new', { partitions: 2 })).rejects.toThrow(`at ${at}`);
      await expectConsistent(b, fx.dir, {});
      await expectConsistent(await reopen(), fx.dir, {});
    });

    it('leaves adding partitions undone and every acked record in place', async () => {
      const seam = failAt(at);
      const b = await reopen(seam.step);
      await b.createTopic('t', { partitions: 2 });
      await b.send([0, 1].map((p) => ({ topic: 't', partition: p, value: Buffer.from('x') })));
      seam.arm();
      await expect(b.createPartitions('t', 4)).rejects.toThrow(`at ${at}`);
      await expectConsistent(b, fx.dir, { t: 2 });
      const again = await reopen();
      await expectConsistent(again, fx.dir, { t: 2 });
      expect([await count(again, 't', 0), await count(again, 't', 1)]).toEqual([1, 1]);
    });
  },
);

describe('a failure of the catalogue write', () => {
  it('leaves deleting a topic and altering its configs undone', async () => {
    const seam = failAt('catalogue');
    const b = await reopen(seam.step);
    await b.createTopic('t', { partitions: 2 });
    await b.send([{ topic: 't', partition: 1, value: Buffer.from('x') }]);
    seam.arm();
    await expect(b.deleteTopic('t')).rejects.toThrow('at catalogue');
    await expectConsistent(b, fx.dir, { t: 2 });
    seam.arm();
    await expect(b.alterTopicConfigs('t', { 'retention.ms': 1000 })).rejects.toThrow();
    expect(b.describeTopic('t').configs['retention.ms']).not.toBe(1000);
    const again = await reopen();
    await expectConsistent(again, fx.dir, { t: 2 });
    expect(again.describeTopic('t').configs['retention.ms']).not.toBe(1000);
    expect(await count(again, 't', 1)).toBe(1);
  });
});

describe('a failure after the commit point', () => {
  it('finishes deleting a topic; files left behind are removed at the next start', async () => {
    const seam = failAt('logs-closed');
    const b = await reopen(seam.step);
    await b.createTopic('t', { partitions: 2 });
    await b.send([{ topic: 't', partition: 0, value: Buffer.from('x') }]);
    seam.arm();
    await b.deleteTopic('t');
    const v = await views(b, fx.dir);
    expect(v.served).toEqual({});
    expect(v.fromCatalogue).toEqual({});
    expect(v.onDisk).toEqual({ t: 2 }); // the orphans of an interrupted delete
    await expectConsistent(await reopen(), fx.dir, {});
  });

  it('keeps a created topic served when what follows the commit fails', async () => {
    const seam = failAt('published');
    const b = await reopen(seam.step);
    seam.arm();
    await b.createTopic('t', { partitions: 1 });
    await b.send([{ topic: 't', partition: 0, value: Buffer.from('x') }]);
    await expectConsistent(b, fx.dir, { t: 1 });
    expect(await count(await reopen(), 't', 0)).toBe(1);
  });
});

describe('topic names differing only in case', () => {
  it('refuses the second by create and by auto-create, keeping the first and its records', async () => {
    // On macOS and Windows `App-0` and `app-0` are one folder: before the fix, creating
    // "app" cleared that folder as a leftover of its own, deleting App's records.
    const b = await reopen();
    await b.createTopic('App');
    await b.send([{ topic: 'App', partition: 0, value: Buffer.from('kept') }]);
    for (const create of [() => b.createTopic('app'), () => b.ensureTopic('APP')]) {
      const err = await create().then(
        () => null,
        (e: unknown) => e as LogdockError,
      );
      expect(err).toBeInstanceOf(LogdockError);
      expect(err!.code).toBe('INVALID_TOPIC');
      expect(err!.message).toContain('"App"');
    }
    expect(await count(b, 'App', 0)).toBe(1);
    await expectConsistent(b, fx.dir, { App: 1 });
    // Once App is gone the name is free in any case.
    await b.deleteTopic('App');
    await b.createTopic('app');
    await expectConsistent(b, fx.dir, { app: 1 });
  });
});
