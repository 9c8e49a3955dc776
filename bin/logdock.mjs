#!/usr/bin/env node
// The `logdock` command. Runs the bundled CLI (out/main/cli.js) when it is newer than every
// source file, otherwise the TypeScript sources directly through tsx, so that a fresh
// clone works without a build step.
import { existsSync } from 'node:fs';
import process from 'node:process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { newestMtime } from './freshness.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'out', 'main', 'cli.js');
const sources = join(root, 'src');

let cli;
if (existsSync(built) && newestMtime(built) >= newestMtime(sources)) {
  cli = await import(pathToFileURL(built).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import(pathToFileURL(join(root, 'src', 'main', 'cli', 'index.ts')).href);
}
await cli.runCli(process.argv);
