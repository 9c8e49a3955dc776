import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ChildProcess, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  PartitionLog,
  defaultLogConfig,
  iterateBatches,
  lastOffsetOf,
  readBatchHeader,
} from '../../../src/main/storage';
import { expectedValue } from './fixtures/append-child';
import { COMPACT_CONFIG } from './fixtures/compact-child';
import { makeTempDir, removeDir } from './helpers';

const CHILD = fileURLToPath(new URL('./fixtures/append-child.ts', import.meta.url));
const COMPACT_CHILD = fileURLToPath(new URL('./fixtures/compact-child.ts', import.meta.url));
const ROUNDS = 6;

let root: string;
let child: ChildProcess | null = null;

beforeEach(async () => {
  root = await makeTempDir();
});

afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = null;
  await removeDir(root);
});

/** Runs a child until it has printed `acks` progress lines, then SIGKILLs it. */
async function runAndKill(
  dir: string,
  acks: number,
  script = CHILD,
  extraArgs: string[] = [],
): Promise<number> {
  const proc = spawn(process.execPath, ['--import', 'tsx', script, dir, ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = proc;
  let lastAcked = -1;
  let seen = 0;
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  await new Promise<void>((resolve, reject) => {
    let pending = '';
    proc.stdout!.on('data', (d: Buffer) => {
      pending += d.toString();
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        const m = /^(?:ack|compacted) (\d+)$/.exec(line);
        if (!m) continue;
        lastAcked = Number(m[1]);
        if (++seen === acks) {
          proc.kill('SIGKILL');
          resolve();
        }
      }
    });
    proc.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`child exited early (${code}): ${stderr}`));
    });
  });
  await new Promise<void>((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) resolve();
    else proc.on('exit', () => resolve());
  });
  return lastAcked;
}

/**
 * Checks the segment files of `dir` as they are on disk: no compaction leftover, and each
 * `.log` holds only offsets from its base to before the next one's base (an old segment
 * visible beside the merged one that replaced it would overlap it).
 */
async function expectSegmentsTile(dir: string): Promise<number> {
  const names = (await fs.readdir(dir)).sort();
  expect(names.filter((n) => /\.(swap|cleaned)$/.test(n))).toEqual([]);
  const logs = names.filter((n) => /^\d{20}\.log$/.test(n));
  for (let i = 0; i < logs.length; i++) {
    const base = Number(logs[i].slice(0, 20));
    const next = i + 1 < logs.length ? Number(logs[i + 1].slice(0, 20)) : Infinity;
    const data = await fs.readFile(join(dir, logs[i]));
    for (const { position } of iterateBatches(data)) {
      const h = readBatchHeader(data, position);
      expect(h.baseOffset, logs[i]).toBeGreaterThanOrEqual(base);
      expect(lastOffsetOf(h), logs[i]).toBeLessThan(next);
    }
  }
  return logs.length;
}

describe('PartitionLog crash safety', () => {
  it('keeps every fsynced record and reopens valid after SIGKILL at random points, many times', async () => {
    const dir = join(root, 'crash-0');
    let acked = -1;
    for (let round = 0; round < ROUNDS; round++) {
      acked = await runAndKill(dir, 1 + Math.floor(Math.random() * 40));
      const log = await PartitionLog.open(dir, {
        ...defaultLogConfig(),
        segmentBytes: 16 * 1024,
        indexIntervalBytes: 512,
      });
      try {
        expect(log.recovery.recovered).toBe(true);
        expect(log.logEndOffset).toBeGreaterThan(acked);
        const records = await log.readRecords(0, { maxRecords: log.logEndOffset });
        expect(records.length).toBe(log.logEndOffset);
        records.forEach((r, i) => {
          expect(r.offset).toBe(i);
          expect(r.value!.toString()).toBe(expectedValue(i));
        });
        expect(await log.offsetForTimestamp(1_000_000 + acked)).toBe(acked);
      } finally {
        await log.close();
      }
    }
    expect(acked).toBeGreaterThan(ROUNDS);
  });

  it.each(['main', 'worker'])(
    'keeps the newest record of every key when killed during compaction on the %s thread, many times',
    async (thread) => {
      const dir = join(root, 'compact-0');
      let merged = false;
      for (let round = 0; round < 4; round++) {
        await runAndKill(dir, 1 + Math.floor(Math.random() * 6), COMPACT_CHILD, [thread]);
        const log = await PartitionLog.open(dir, COMPACT_CONFIG);
        try {
          const leo = log.logEndOffset;
          const records = await log.readRecords(0, { maxRecords: leo });
          for (const r of records) expect(r.value!.toString()).toBe(`v-${r.offset}`);
          const present = new Set(records.map((r) => r.offset));
          // The newest offset of each key below the log end offset survived.
          for (let k = 0; k < 10; k++) {
            let newest = leo - 1;
            while (newest >= 0 && newest % 10 !== k) newest--;
            if (newest >= 0) expect(present.has(newest), `key k${k} offset ${newest}`).toBe(true);
          }
          expect(log.recovery.recovered).toBe(true);
          await expectSegmentsTile(dir);
          merged ||= log.segments().some((seg) => seg.nextOffset - seg.baseOffset > 60);
        } finally {
          await log.close();
        }
      }
      // Segments roll every ~50 records: a longer one is a merged group.
      expect(merged).toBe(true);
    },
  );
});

describe('PartitionLog compaction swap', () => {
  const steps = [
    'cleaned-written',
    'swap-committed',
    'member-deleted',
    'old-deleted',
    'renamed',
  ] as const;

  it.each(steps)(
    'leaves the old group or the merged segment, never both and no lost key, after a crash at %s',
    async (crashAt) => {
      const dir = join(root, 'live');
      let now = 0;
      const config = { ...COMPACT_CONFIG, segmentMs: 1 };
      const log = await PartitionLog.open(dir, config, {
        clock: () => now,
        compactionStep: async (step) => {
          if (step !== crashAt) return;
          // What a SIGKILL here leaves on disk: a copy of the directory as it is now.
          // (Temporary files of background meta writes may vanish meanwhile; open() deletes them anyway.)
          await fs.cp(dir, join(root, 'crashed'), {
            recursive: true,
            filter: (src) => !src.endsWith('.tmp'),
          });
          throw new Error(`simulated crash at ${step}`);
        },
      });
      try {
        for (let i = 0; i < 40; i++) {
          now++; // segment.ms of 1: one small segment per record
          await log.appendRecords([
            { key: Buffer.from(`k${i % 10}`), value: Buffer.from(`v-${i}`), timestamp: 5 },
          ]);
        }
        await expect(log.compact()).rejects.toThrow(/simulated crash/);
      } finally {
        await log.close();
      }
      const crashed = join(root, 'crashed');
      await fs.rm(join(crashed, '.clean-shutdown'), { force: true });
      const again = await PartitionLog.open(crashed, config);
      try {
        const files = await expectSegmentsTile(crashed);
        const committed = crashAt !== 'cleaned-written';
        // 40 one-record segments, or the merged one (offsets 0-38) plus the active one.
        expect(files).toBe(committed ? 2 : 40);
        const records = await again.readRecords(0, { maxRecords: 100 });
        for (const r of records) expect(r.value!.toString()).toBe(`v-${r.offset}`);
        const offsets = records.map((r) => r.offset);
        for (let k = 0; k < 10; k++) expect(offsets).toContain(30 + k);
        // Cleaned: the newest of each key below the active segment (29-38), and 39.
        expect(offsets).toEqual(
          committed ? Array.from({ length: 11 }, (_, i) => 29 + i) : [...Array(40).keys()],
        );
        expect(again.logEndOffset).toBe(40);
      } finally {
        await again.close();
      }
    },
  );
});
