/**
 * A child process run until it has printed a marker, then SIGKILLed: how the crash tests
 * stop a writer in the middle of its work, and how a test reads what a child measured.
 */
import { spawn } from 'node:child_process';
import { expect } from 'vitest';
import { waitFor } from './wait';

export interface ChildUntil {
  /** Its arguments after `node` (e.g. `['--import', 'tsx', script, dir]`). */
  args: string[];
  /** What a whole line of its stdout must hold before it is killed. */
  marker: string;
  /** What the wait is for, named when it runs out. */
  what: string;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/**
 * Runs `node ...args` until a line of its stdout (up to its newline: what follows the marker
 * is whole) holds `marker`, or it exits; then SIGKILLs it and returns its stdout. Fails, with its stderr, when it exited without printing the marker.
 */
export async function runChildUntil(o: ChildUntil): Promise<string> {
  const proc = spawn(process.execPath, o.args, { stdio: ['ignore', 'pipe', 'pipe'], env: o.env });
  let out = '';
  let err = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (err += d));
  const exited = new Promise((resolve) => proc.on('exit', resolve));
  try {
    await waitFor(
      () => lineWith(out, o.marker) || proc.exitCode !== null,
      o.what,
      o.timeoutMs ?? 45_000,
    );
    expect(lineWith(out, o.marker), err).toBe(true);
    return out;
  } finally {
    proc.kill('SIGKILL');
    await exited;
  }
}

function lineWith(out: string, marker: string): boolean {
  const at = out.indexOf(marker);
  return at >= 0 && out.indexOf('\n', at) >= 0;
}
