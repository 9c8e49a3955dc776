import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PartitionLog, defaultLogConfig } from '../../../src/main/storage';
import { expectedValue } from './fixtures/append-child';
import { makeTempDir, removeDir } from './helpers';

const CHILD = fileURLToPath(new URL('./fixtures/append-child.ts', import.meta.url));
const ROUNDS = 8;

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

/** Runs the child until it has acknowledged `acks` appends, then SIGKILLs it. */
async function runAndKill(dir: string, acks: number): Promise<number> {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, dir], {
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
        const m = /^ack (\d+)$/.exec(line);
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
});
