/**
 * `npm run bench [name...]`: runs every benchmark module in this folder (or the named
 * ones) one after the other and prints their figures; options after the names are read by
 * the benchmarks themselves. Each module exports
 * `run(): Promise<void>` and prints its own results; none asserts on time.
 */
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { closeSharedWorkerPool } from '../src/main/workers/pool';

const here = dirname(fileURLToPath(import.meta.url));
// Options (`--messages 10000000`) are left to the benchmarks that read them.
const wanted = new Set(process.argv.slice(2).filter((a) => /^[a-z][a-z-]*$/.test(a)));
const modules = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => basename(f, '.bench.ts'))
  .filter((name) => wanted.size === 0 || wanted.has(name))
  .sort();

for (const name of modules) {
  console.log(`\n=== ${name} ===`);
  const mod = (await import(pathToFileURL(join(here, `${name}.bench.ts`)).href)) as {
    run: () => Promise<void>;
  };
  await mod.run();
  // Benches open brokers and collectors without the app's Services, which would stop the
  // process's worker pools at shutdown; their threads would keep the process alive.
  await closeSharedWorkerPool();
}
