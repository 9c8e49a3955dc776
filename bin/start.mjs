#!/usr/bin/env node
// `npm start`: builds what is stale, then starts the Electron app — or, where Electron
// cannot run (binary not downloadable, no display), says so in one line and starts
// headless mode, which prints the URL to open. Arguments after `npm start --` go to either.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import console from 'node:console';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { newestMtime } from './freshness.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const electronDir = join(root, 'node_modules', 'electron');
/** How long to try fetching Electron's binary on first start before giving up. */
const DOWNLOAD_TIMEOUT_MS = 30_000;

buildIfStale();
const electron = findElectron();
if (electron.binary) {
  const child = spawn(electron.binary, [root, ...args], { stdio: 'inherit' });
  // Let Electron's own graceful shutdown handle Ctrl-C; just pass signals on.
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} else {
  console.log(`Electron can't start here (${electron.reason}); starting headless mode instead.`);
  process.argv = [process.argv[0], join(root, 'bin', 'logdock.mjs'), 'serve', ...args];
  await import('./logdock.mjs');
}

/** Runs `electron-vite build` when out/ is missing or older than the sources. */
function buildIfStale() {
  const outputs = [
    'out/main/index.js',
    'out/main/cli.js',
    'out/preload/index.cjs',
    'out/renderer/index.html',
  ];
  const oldest = Math.min(...outputs.map((f) => newestMtime(join(root, f))));
  const inputs = Math.max(
    newestMtime(join(root, 'src')),
    newestMtime(join(root, 'electron.vite.config.ts')),
  );
  if (oldest > 0 && oldest >= inputs) return;
  console.log('Building Logdock (electron-vite build)…');
  const result = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'),
      'build',
      '--logLevel',
      'warn',
    ],
    { cwd: root, stdio: 'inherit' },
  );
  if (result.status !== 0) {
    console.error('logdock: the build failed; see the errors above.');
    process.exit(result.status ?? 1);
  }
}

/** The Electron binary if it can run here, or the reason why not. */
function findElectron() {
  if (!existsSync(join(electronDir, 'package.json'))) {
    return { reason: 'the optional electron package is not installed' };
  }
  let binary = electronBinary();
  if (!binary && !process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
    // First start on a machine that reaches the internet: fetch the binary now.
    spawnSync(process.execPath, [join(electronDir, 'install.js')], {
      stdio: 'ignore',
      timeout: DOWNLOAD_TIMEOUT_MS,
    });
    binary = electronBinary();
  }
  if (!binary) return { reason: "Electron's binary is missing and could not be downloaded" };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { reason: 'no display: neither DISPLAY nor WAYLAND_DISPLAY is set' };
  }
  return { binary };
}

function electronBinary() {
  try {
    const relative = readFileSync(join(electronDir, 'path.txt'), 'utf8').trim();
    const binary = join(electronDir, 'dist', relative);
    return existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}
