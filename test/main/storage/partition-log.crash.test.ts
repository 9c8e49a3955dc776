import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PartitionLog, defaultLogConfig } from '../../../src/main/storage';
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
async function runAndKill(dir: string, acks: number, script = CHILD): Promise<number> {
  const proc = spawn(process.execPath, ['--import', 'tsx', script, dir], {
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

  it('keeps the newest record of every key when killed during compaction, many times', async () => {
    const dir = join(root, 'compact-0');
    for (let round = 0; round < 4; round++) {
      await runAndKill(dir, 1 + Math.floor(Math.random() * 6), COMPACT_CHILD);
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
      } finally {
        await log.close();
      }
    }
  });
});
