/**
 * The collecting process is SIGKILLed at random points while another writer appends lines
 * fast and rotates the file by rename, many times; after a last restart the topic must hold
 * exactly the lines written, in order per file, none missing and none twice.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { header, openBroker, readAll, tempDir, waitFor } from './helpers';

const CHILD = fileURLToPath(new URL('./fixtures/collect-child.ts', import.meta.url));
const children = new Set<ChildProcess>();

afterEach(() => {
  for (const c of children) c.kill('SIGKILL');
});

interface Child {
  proc: ChildProcess;
  end: number;
  ready: Promise<void>;
  exited: Promise<void>;
}

function startChild(dataDir: string, config: object): Child {
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', CHILD, dataDir, JSON.stringify(config)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  children.add(proc);
  const child: Child = { proc, end: 0, ready: Promise.resolve(), exited: Promise.resolve() };
  child.exited = new Promise((r) => proc.on('exit', () => (children.delete(proc), r())));
  child.ready = new Promise((resolve, reject) => {
    let buf = '';
    proc.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line === 'ready') resolve();
        else if (line.startsWith('end ')) child.end = Number(line.slice(4));
      }
    });
    proc.on('exit', (code) => reject(new Error(`child exited early with ${code}`)));
  });
  return child;
}

/** Appends numbered lines in small synchronous bursts and rotates by rename now and then. */
class Writer {
  private fd: number;
  private gen = 0;
  private seq = 0;
  written = 0;
  perFile = new Map<number, number>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly path: string) {
    this.fd = openSync(path, 'a');
  }

  start(): void {
    const burst = () => {
      const n = 1 + Math.floor(Math.random() * 40);
      let text = '';
      for (let i = 0; i < n; i++)
        text += `g${this.gen} n${this.seq++} ${'x'.repeat(Math.floor(Math.random() * 60))}\n`;
      writeSync(this.fd, text);
      this.written += n;
      this.perFile.set(this.gen, this.seq);
      if (Math.random() < 0.02) this.rotate();
      this.timer = setTimeout(burst, 1 + Math.floor(Math.random() * 3));
    };
    burst();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    closeSync(this.fd);
  }

  private rotate(): void {
    closeSync(this.fd);
    renameSync(this.path, `${this.path}.${this.gen}`);
    this.gen++;
    this.seq = 0;
    this.fd = openSync(this.path, 'a');
  }
}

/** Runs of consecutive numbers, e.g. [0-99, 120-130]: short diffs on failure. */
function summarize(seq: number[]): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 1; i <= seq.length; i++) {
    if (i === seq.length || seq[i] !== seq[i - 1] + 1) {
      out.push(`${seq[start]}-${seq[i - 1]}`);
      start = i;
    }
  }
  return out;
}

describe('collector crash safety', () => {
  it('keeps every line exactly once across SIGKILLs during fast writes and rename rotation', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const logs = join(dir, 'logs');
      mkdirSync(logs);
      const dataDir = join(dir, 'data');
      const config = {
        type: 'file',
        id: 'crashy',
        topic: 'crash-logs',
        // Rotated names match too: a file rotated while the collector is down is then
        // still found (by inode) and finished; one never seen would be out of scope.
        include: [join(logs, 'app.log*')],
        scanIntervalMs: 100,
        rotateWaitMs: 200,
      };
      const writer = new Writer(join(logs, 'app.log'));
      const kills = 6;
      for (let i = 0; i < kills; i++) {
        const child = startChild(dataDir, config);
        await child.ready;
        if (i === 0) writer.start();
        const target = child.end + 1 + Math.floor(Math.random() * 400);
        // Kill at a random point: once the child has produced a random number of records.
        await waitFor(
          'child progress',
          () => child.end >= target || child.proc.exitCode !== null,
          30_000,
        );
        child.proc.kill('SIGKILL');
        await child.exited;
      }
      writer.stop();
      const last = startChild(dataDir, config);
      await last.ready;
      // On a timeout the comparison below says which lines are missing.
      await waitFor(`all ${writer.written} lines`, () => last.end >= writer.written, 30_000).catch(
        () => {},
      );
      last.proc.kill('SIGTERM');
      await last.exited;

      const broker = await openBroker(dataDir);
      try {
        const records = await readAll(broker, 'crash-logs');
        const got = new Map<number, number[]>();
        for (const r of records) {
          const m = /^g(\d+) n(\d+) /.exec(r.value!.toString())!;
          const list = got.get(Number(m[1])) ?? [];
          list.push(Number(m[2]));
          got.set(Number(m[1]), list);
          expect(header(r, 'logdock.source')).toBe('crashy');
        }
        for (const [gen, count] of writer.perFile) {
          expect(summarize(got.get(gen) ?? []), `file generation ${gen}`).toEqual(
            summarize(Array.from({ length: count }, (_, i) => i)),
          );
        }
        expect(records).toHaveLength(writer.written);
      } finally {
        await broker.close();
      }
    } finally {
      await cleanup();
    }
  });
});
