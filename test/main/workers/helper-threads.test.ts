import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runChildUntil } from '../../child-until';

const child = fileURLToPath(new URL('./fixtures/helper-threads-child.ts', import.meta.url));

interface Result {
  again: number;
  main: number;
  nices: { tid: number; nice: number | null }[];
}

/** Runs the child with V8's pool of `v8` threads and libuv's of `uv`; its RESULT line. */
async function lowered(v8: number, uv: number): Promise<Result> {
  const out = await runChildUntil({
    args: [`--v8-pool-size=${v8}`, '--import', 'tsx', child, `${v8}`],
    env: { ...process.env, UV_THREADPOOL_SIZE: String(uv) },
    marker: 'RESULT ',
    what: 'the child to lower its threads',
  });
  return JSON.parse(out.split('RESULT ')[1]) as Result;
}

describe('lowerHelperThreads', () => {
  // Pool sizes apart from each other (V8's 3 or 2, libuv's 5 or 6): a wrong group would show.
  it.skipIf(process.platform !== 'linux' || !['x64', 'arm64'].includes(process.arch))(
    "sets exactly V8's helper threads to nice 10, leaving the main thread and libuv's file threads at 0",
    async () => {
      for (const [v8, uv] of [
        [3, 5],
        [2, 6],
      ]) {
        const r = await lowered(v8, uv);
        expect(r.main).toBe(0);
        expect(r.nices.filter((t) => t.nice === 10)).toHaveLength(v8);
        // main, libuv's threads and Node's own others (timers, signals, the loader's thread)
        expect(r.nices.filter((t) => t.nice === 0).length).toBeGreaterThanOrEqual(1 + uv);
        expect(r.again).toBe(0); // looking again changes nothing more
      }
    },
  );
});
