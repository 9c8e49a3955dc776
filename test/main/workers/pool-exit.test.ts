import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../wait';

const child = fileURLToPath(new URL('./fixtures/idle-pool-child.ts', import.meta.url));

describe('WorkerPool and the process it runs in', () => {
  it('lets the process exit by itself while its warmed threads are idle and the pool is never closed', async () => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    proc.stdout.on('data', (d) => (out += d));
    proc.stderr.on('data', (d) => (err += d));
    try {
      // Loading two threads takes seconds on a loaded machine; once they idle, nothing may
      // hold the process (an idle thread that did used to keep it running for ever).
      await waitFor(
        () => proc.exitCode !== null || proc.signalCode !== null,
        () => `the child to exit by itself (stdout: ${out}; stderr: ${err})`,
        120_000,
      );
    } finally {
      proc.kill('SIGKILL');
    }
    expect(out).toContain('WARM');
    expect(proc.exitCode).toBe(0);
  }, 150_000);
});
