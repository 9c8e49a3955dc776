/**
 * Runs a Logdock launcher (`bin/logdock.mjs serve`, or `bin/start.mjs`) as a child process
 * the way a user does and waits for the URL it prints. Shared by the serve command's tests
 * and the end-to-end harness.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import type { StorageHealth } from '../../../../src/common/api/system';
import {
  createWebSocketClient,
  type WebSocketApiClient,
  type WebSocketConstructor,
} from '../../../../src/common/transport/websocket-client';
import { readApiFile } from '../../../../src/main/headless/api-file';
import { waitFor } from '../../../wait';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

export interface LogdockProcess {
  child: ChildProcess;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  hasExited(): boolean;
  out(): string;
  err(): string;
}

/** Arguments that serve `dataDir` on random HTTP and Kafka ports. */
export function serveArgs(dataDir: string): string[] {
  return ['--data-dir', dataDir, '--http-port', '0', '--kafka-port', '0'];
}

/** Spawns `node bin/<script> <args>` in the repository root, collecting its output. */
export function spawnLogdock(
  args: string[],
  options: { script?: string; env?: NodeJS.ProcessEnv; detached?: boolean } = {},
): LogdockProcess {
  const child = spawn(
    process.execPath,
    [join(ROOT, 'bin', options.script ?? 'logdock.mjs'), ...args],
    {
      cwd: ROOT,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so that a benchmark can kill it and anything it spawned.
      detached: options.detached ?? false,
    },
  );
  let stdout = '';
  let stderr = '';
  let done = false;
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolveExit) =>
    child.once('exit', (code) => {
      done = true;
      resolveExit(code);
    }),
  );
  return { child, exited, hasExited: () => done, out: () => stdout, err: () => stderr };
}

/**
 * Polls the output for `Open <url>` every `intervalMs` and returns the URL. Throws with the
 * process's stderr when it exits first or `timeoutMs` passes.
 */
export async function waitForUrl(
  run: LogdockProcess,
  timeoutMs = 50_000,
  intervalMs = 25,
): Promise<string> {
  return waitFor(
    () => {
      // Up to the line's end: output can arrive in pieces that cut the URL short.
      const url = /Open (https?:\/\/\S+)\r?\n/.exec(run.out())?.[1];
      if (url) return url;
      if (run.hasExited()) throw new Error(`logdock exited before printing its URL:\n${run.err()}`);
      return null;
    },
    () => `the URL (stderr so far:\n${run.err()})`,
    { timeoutMs, intervalMs },
  );
}

/**
 * Stops the process gracefully (SIGTERM), or with SIGKILL when it has not exited within
 * `graceMs`; resolves with its exit code.
 */
export async function stopLogdock(run: LogdockProcess, graceMs = 30_000): Promise<number | null> {
  if (!run.hasExited()) run.child.kill('SIGTERM');
  const deadline = setTimeout(() => run.child.kill('SIGKILL'), graceMs);
  const code = await run.exited;
  clearTimeout(deadline);
  return code;
}

/** A client of the API of the Logdock serving `dataDir` (from its api file), not reconnecting. */
export async function connectApi(dataDir: string): Promise<WebSocketApiClient> {
  const file = await readApiFile(dataDir);
  if (!file) throw new Error(`no api file in ${dataDir}`);
  return createWebSocketClient({
    url: file.url,
    token: file.token,
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    reconnect: false,
  });
}

/** The current `system.storage` state (the stream's first event). */
export function storageHealthOnce(api: WebSocketApiClient): Promise<StorageHealth> {
  return new Promise((resolve, reject) => {
    const stop = api.subscribe(
      'system.storage',
      {},
      (h) => {
        stop();
        resolve(h);
      },
      (e) => reject(new Error(e.message)),
    );
  });
}
