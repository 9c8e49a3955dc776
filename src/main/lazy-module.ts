/**
 * A package loaded on first use instead of at startup. Every `logdock serve` and app start
 * evaluated every package the main process imports before printing its address, while
 * most are needed only by some paths (a compression codec, YAML config files, OTLP,
 * remote clusters): on a loaded 2-core machine snappy, zstd, lz4, yaml and protobufjs
 * alone took ~0.3 s of it. Synchronous (Node's require, which also loads ES modules on
 * Node >= 20.19 and Electron), so the callers stay synchronous.
 */
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

/** A function returning package `id`, required on its first call (then cached by Node). */
export function lazyModule<T>(id: string): () => T {
  let mod: T | undefined;
  return () => (mod ??= load(id) as T);
}
