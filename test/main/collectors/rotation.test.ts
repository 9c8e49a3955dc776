/**
 * Rotation while lines are written fast, in one process: the writer appends numbered lines
 * in bursts and rotates the file by rename, delete-and-recreate, copytruncate or plain
 * truncation; the collector runs against the real broker.
 */
import {
  closeSync,
  copyFileSync,
  fstatSync,
  mkdirSync,
  openSync,
  renameSync,
  truncateSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { linesByGeneration, readAll, useCollectors, waitFor } from './helpers';

type Method = 'rename' | 'delete' | 'copytruncate' | 'truncate';
/** Bursts of up to 50 lines written per generation at most (~0.5 MB). */
const MAX_BURSTS = 200;

const fixture = useCollectors();

beforeEach(() => {
  mkdirSync(join(fixture.dir, 'logs'));
});

/** Writes `g<generation> n<seq>` lines; a generation ends at each rotation. */
async function writeWithRotations(
  path: string,
  method: Method,
  rotations: number,
): Promise<number[]> {
  const counts: number[] = [];
  let fd = openSync(path, 'a');
  let seq = 0;
  const tracked = () => {
    const { dev, ino } = fstatSync(fd);
    return fixture.manager
      .status()[0]
      .files.some((f) => f.identity.startsWith(`${dev}:${ino}:`) && f.position > 0);
  };
  for (let gen = 0; gen <= rotations; gen++) {
    // Write bursts until the collector has started on this file (and a bit more). Past
    // MAX_BURSTS only wait: a collector slowed by a loaded machine must not face a file that
    // grows while it waits (each generation grew on the last one's wait: 100 MB in a CI run).
    let bursts = 0;
    while (bursts < 20 || (gen < rotations && !tracked())) {
      if (bursts >= MAX_BURSTS) {
        await new Promise((r) => setTimeout(r, 5));
        continue;
      }
      let text = '';
      const n = 1 + Math.floor(Math.random() * 50);
      for (let i = 0; i < n; i++)
        text += `g${gen} n${seq++} ${'y'.repeat(Math.floor(Math.random() * 80))}\n`;
      writeSync(fd, text);
      bursts++;
      await new Promise((r) => setImmediate(r));
    }
    counts.push(seq);
    seq = 0;
    if (gen === rotations) break;
    if (method === 'rename') {
      closeSync(fd);
      renameSync(path, `${path}.${gen}`);
      fd = openSync(path, 'a');
    } else if (method === 'delete') {
      closeSync(fd);
      unlinkSync(path);
      fd = openSync(path, 'a');
    } else if (method === 'copytruncate') {
      copyFileSync(path, `${path}.${gen}`);
      truncateSync(path, 0); // the writer keeps its O_APPEND descriptor
    } else {
      truncateSync(path, 0);
    }
  }
  closeSync(fd);
  return counts;
}

async function collected(): Promise<Map<number, number[]>> {
  return linesByGeneration(await readAll(fixture.broker, 'rot'));
}

/** Waits until the last generation is collected in full; then every generation's lines. */
async function collectedThroughLastGeneration(counts: number[]): Promise<Map<number, number[]>> {
  const lastGen = counts.length - 1;
  await waitFor(
    'the last generation',
    async () => (await collected()).get(lastGen)?.length === counts[lastGen],
  );
  return collected();
}

const upTo = (n: number) => Array.from({ length: n }, (_, i) => i);

async function collect(method: Method, rotations: number) {
  const path = join(fixture.dir, 'logs', 'app.log');
  await fixture.manager.add({
    type: 'file',
    id: 'rot',
    topic: 'rot',
    include: [path],
    scanIntervalMs: 50,
    rotateWaitMs: 200,
  });
  const counts = await writeWithRotations(path, method, rotations);
  const total = counts.reduce((a, b) => a + b, 0);
  return { counts, total };
}

describe('rotation under fast writes', () => {
  for (const method of ['rename', 'delete'] as const) {
    it(`keeps every line exactly once, in order, with ${method} rotation`, async () => {
      const { counts, total } = await collect(method, 5);
      await waitFor(
        `${total} lines`,
        async () => (await readAll(fixture.broker, 'rot')).length >= total,
      );
      const got = await collected();
      counts.forEach((n, gen) => expect(got.get(gen), `generation ${gen}`).toEqual(upTo(n)));
      expect((await readAll(fixture.broker, 'rot')).length).toBe(total);
    });
  }

  it('loses at most the lines of a generation that were not read before its copytruncate, and reports it', async () => {
    const { counts } = await collect('copytruncate', 4);
    const got = await collectedThroughLastGeneration(counts);
    counts.forEach((n, gen) => {
      const lines = got.get(gen) ?? [];
      // In order, none twice, and only a tail may be missing.
      expect(lines, `generation ${gen}`).toEqual(upTo(lines.length));
      expect(lines.length).toBeLessThanOrEqual(n);
    });
    const file = fixture.manager.status()[0].files[0];
    expect(file.truncations).toBeGreaterThanOrEqual(1);
    expect(file.truncations).toBeLessThanOrEqual(4);
  });

  it('restarts at the beginning after each plain truncation, without duplicates', async () => {
    const { counts } = await collect('truncate', 3);
    const got = await collectedThroughLastGeneration(counts);
    counts.forEach((n, gen) => {
      const lines = got.get(gen) ?? [];
      expect(lines, `generation ${gen}`).toEqual(upTo(lines.length));
    });
    expect(fixture.manager.status()[0].files[0].truncations).toBeGreaterThanOrEqual(1);
  });
});
