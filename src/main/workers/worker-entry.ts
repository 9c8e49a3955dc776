/**
 * Where the worker script is. Built (electron-vite, `out/main/cpu-worker.js` beside the
 * bundle that imports this) it is plain JavaScript; run from the TypeScript sources (tests,
 * `npm run bench`, a fresh clone's `logdock`) it is loaded through tsx, registered inside the
 * worker because a worker does not inherit its parent's module hooks.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface WorkerEntry {
  /** The bootstrap evaluated by `new Worker(code, { eval: true })`. */
  code: string;
  workerData: { entry: string };
}

let cached: WorkerEntry | null = null;

export function workerEntry(): WorkerEntry {
  cached ??= locate();
  return cached;
}

function locate(): WorkerEntry {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    const entry = new URL('./cpu-worker.ts', here).href;
    return {
      code: `import('tsx/esm/api').then((m) => { m.register(); return import(require('node:worker_threads').workerData.entry); });`,
      workerData: { entry },
    };
  }
  // The bundler may put this module in the entry file or in a chunk one folder down.
  const candidates = ['./cpu-worker.js', '../cpu-worker.js'].map((p) => new URL(p, here));
  const found = candidates.find((u) => existsSync(fileURLToPath(u)));
  if (!found) {
    throw new Error(`worker script cpu-worker.js not found beside ${fileURLToPath(here)}`);
  }
  return {
    code: `import(require('node:worker_threads').workerData.entry);`,
    workerData: { entry: found.href },
  };
}
