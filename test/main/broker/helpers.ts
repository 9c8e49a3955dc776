import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { openBroker, type Broker } from '../../../src/main/broker';

export { waitFor } from '../../wait';

/** A fresh temporary directory and a function that removes it. */
export async function tempDir(
  prefix = 'logdock-broker-',
): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Per test: a fresh data directory (`dir`). A broker the test keeps in `broker` is closed
 * after the test, before the directory is removed.
 */
export function useBrokerDir(): { dir: string; broker: Broker | null } {
  const fixture: { dir: string; broker: Broker | null } = { dir: '', broker: null };
  let cleanup = async () => {};
  beforeEach(async () => {
    ({ dir: fixture.dir, cleanup } = await tempDir());
  });
  afterEach(async () => {
    await fixture.broker?.close();
    fixture.broker = null;
    await cleanup();
  });
  return fixture;
}

/** useBrokerDir() with a broker opened on the directory before each test. */
export function useBroker(): { dir: string; broker: Broker } {
  const fixture = useBrokerDir();
  beforeEach(async () => {
    fixture.broker = await openBroker({ dataDir: fixture.dir });
  });
  return fixture as { dir: string; broker: Broker };
}

/** Creates topic `t` with two partitions holding "0".."9", alternately, at 1000, 2000, … ms. */
export async function createTopicOfTen(broker: Broker): Promise<void> {
  await broker.createTopic('t', { partitions: 2 });
  await broker.send(
    Array.from({ length: 10 }, (_, i) => ({
      topic: 't',
      partition: i % 2,
      value: Buffer.from(String(i)),
      timestamp: (i + 1) * 1000,
    })),
  );
}

/** Resolves to the error a promise rejects with (fails if it resolves). */
export async function rejection(
  p: Promise<unknown> | (() => unknown),
): Promise<{ code?: string; message: string }> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    return err as { code?: string; message: string };
  }
  throw new Error('expected a rejection but the call succeeded');
}

/** Runs `logdock <args>` as a real process (bin/logdock.mjs), feeding `stdin`; resolves on exit. */
export async function runCli(
  args: string[],
  stdin = '',
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { spawn } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const bin = fileURLToPath(new URL('../../../bin/logdock.mjs', import.meta.url));
  const proc = spawn(process.execPath, [bin, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d) => (stdout += d));
  proc.stderr.on('data', (d) => (stderr += d));
  proc.stdin.end(stdin);
  const code = await new Promise<number | null>((resolve) => proc.on('close', resolve));
  return { code, stdout, stderr };
}

/** Per test: a fresh data directory (`dir`, removed after it) and `run`, the CLI on it. */
export function useCliDataDir(prefix = 'logdock-cli-') {
  let cleanup = async () => {};
  const cli = {
    dir: '',
    /** Runs `logdock <args> --data-dir <dir>` as a real process, feeding `stdin`. */
    run: (args: string[], stdin?: string) => runCli([...args, '--data-dir', cli.dir], stdin),
  };
  beforeEach(async () => {
    ({ dir: cli.dir, cleanup } = await tempDir(prefix));
  });
  afterEach(() => cleanup());
  return cli;
}
