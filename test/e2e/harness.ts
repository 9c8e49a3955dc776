/**
 * End-to-end harness: starts `logdock serve` as a child process on a temporary data
 * directory and a random port, opens its page in Debian's Chromium through playwright-core,
 * and offers a Node WebSocket ApiClient to the same server. Screenshots go to
 * `test-artifacts/e2e/`. Every wait has a generous deadline and polls a condition.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import WebSocket from 'ws';
import {
  createWebSocketClient,
  type WebSocketApiClient,
  type WebSocketConstructor,
} from '../../src/common/transport/websocket-client';
import { WS_PATH } from '../../src/common/transport/wire';
import {
  ROOT,
  serveArgs,
  spawnLogdock,
  waitForUrl,
  stopLogdock,
} from '../main/cli/commands/serve-process';
import { waitFor as sharedWaitFor, type Truthy } from '../wait';

export { ROOT };
export const ARTIFACTS = join(ROOT, 'test-artifacts', 'e2e');

/** Mandatory flags for Chromium in this environment (no sandbox, no network chatter). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];
export const CHROMIUM_PATH = process.env.LOGDOCK_CHROMIUM ?? '/usr/bin/chromium';

export interface StartOptions {
  /** Reuse a data directory (e.g. to restart on the same data); a fresh temp dir otherwise. */
  dataDir?: string;
  /** Extra arguments to `logdock serve`. */
  args?: string[];
  env?: NodeJS.ProcessEnv;
  /** Colour scheme the page is rendered in. */
  colorScheme?: 'light' | 'dark';
  /** Runs the server in its own process group (benchmarks kill the group on any exit). */
  detached?: boolean;
}

export interface RunningApp {
  /** The page URL with the token, as printed by `logdock serve`. */
  url: string;
  origin: string;
  token: string;
  dataDir: string;
  server: ChildProcess;
  browser: Browser;
  page: Page;
  /** A WebSocket ApiClient (Node) on the same server, for setting up and checking state. */
  api: WebSocketApiClient;
  /** Everything the server wrote to stderr so far (its log). */
  logs(): string;
  /** Saves a full-page screenshot as `test-artifacts/e2e/<name>.png`; returns the path. */
  screenshot(name: string): Promise<string>;
  /** Sends SIGTERM and waits for a graceful exit; returns the exit code. */
  stopServer(): Promise<number | null>;
  /** Closes the browser, the API client and the server; removes a temp data dir. */
  close(): Promise<void>;
}

/**
 * Builds the renderer if `out/renderer` is missing or older than its sources, so the
 * tests see the current UI. CI builds beforehand, making this a no-op there.
 */
export function ensureBuilt(): void {
  const built = join(ROOT, 'out', 'renderer', 'index.html');
  const sources = [join(ROOT, 'src', 'renderer'), join(ROOT, 'src', 'common')];
  const fresh = () =>
    existsSync(built) && statSync(built).mtimeMs >= Math.max(...sources.map(newestMtime));
  if (fresh()) return;
  // Several test processes may share this tree: one builds, the others wait for it.
  withBuildLock(() => {
    if (fresh()) return;
    execFileSync(
      process.execPath,
      [
        join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'),
        'build',
        '--logLevel',
        'error',
      ],
      { cwd: ROOT, stdio: 'inherit' },
    );
  });
}

/** A directory-based lock (mkdir is atomic); a lock left by a dead process is taken over. */
function withBuildLock(fn: () => void): void {
  const lock = join(
    tmpdir(),
    `logdock-build-${createHash('sha1').update(ROOT).digest('hex').slice(0, 12)}.lock`,
  );
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch {
      const owner = Number(readFileSafe(join(lock, 'pid')));
      if (owner && !isAlive(owner)) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline)
        throw new Error(`timed out waiting for the build lock ${lock}`);
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Copies the built renderer to `dir`: the server under test serves the copy, so a rebuild by
 * another process sharing this tree cannot remove files from under a running test.
 */
async function snapshotRenderer(dir: string): Promise<string> {
  const target = join(dir, 'renderer');
  await cp(join(ROOT, 'out', 'renderer'), target, { recursive: true });
  return target;
}
/** Polls `condition` every 50 ms until it returns a truthy value or `timeoutMs` passes. */
export function waitFor<T>(
  condition: () => T | Promise<T>,
  /** What is waited for; a function is asked only on failure (to name what was seen instead). */
  what: string | (() => string),
  timeoutMs = 60_000,
): Promise<Truthy<Awaited<T>>> {
  return sharedWaitFor(condition, what, { timeoutMs, intervalMs: 50, retryOnError: true });
}

/** Starts headless Logdock and a browser on it; see RunningApp. */
export async function startApp(options: StartOptions = {}): Promise<RunningApp> {
  ensureBuilt();
  const ownDataDir = !options.dataDir;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'logdock-e2e-')));
  const scratch = await mkdtemp(join(tmpdir(), 'logdock-e2e-ui-'));
  const rendererDir = await snapshotRenderer(scratch);
  const run = spawnLogdock(['serve', ...serveArgs(dataDir), ...(options.args ?? [])], {
    env: { ...process.env, LOGDOCK_RENDERER_DIR: rendererDir, ...options.env },
    detached: options.detached,
  });
  const server = run.child;

  let url: string;
  try {
    url = await waitForUrl(run, 60_000);
  } catch (err) {
    server.kill('SIGKILL');
    throw err;
  }
  const parsed = new URL(url);
  const token = parsed.searchParams.get('token') ?? '';
  const api = createWebSocketClient({
    url: `ws://${parsed.host}${WS_PATH}`,
    token,
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    reconnect: false,
  });
  let browser: Browser | undefined;
  let page: Page;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      colorScheme: options.colorScheme ?? 'light',
    });
    page = await context.newPage();
    await page.goto(url);
  } catch (err) {
    // No browser: leave no server behind either.
    api.close();
    await browser?.close().catch(() => {});
    await stopLogdock(run);
    throw err;
  }

  const stopServer = () => stopLogdock(run);

  return {
    url,
    origin: parsed.origin,
    token,
    dataDir,
    server,
    browser,
    page,
    api,
    logs: run.err,
    async screenshot(name) {
      await mkdir(ARTIFACTS, { recursive: true });
      const path = join(ARTIFACTS, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    stopServer,
    async close() {
      api.close();
      await browser.close().catch(() => {});
      await stopServer();
      if (ownDataDir) await rm(dataDir, { recursive: true, force: true });
      await rm(scratch, { recursive: true, force: true });
    },
  };
}

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSyncSafe(path))
    newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

function readdirSyncSafe(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}
