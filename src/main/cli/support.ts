import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { ApiClient } from '../../common/api/contract';
import { defaultDataDir } from '../data-dir';
import { connectRunningLogdock } from '../headless/api-file';
import { chooseDataDir } from '../settings/data-dir-pointer';
import { createLogger } from '../logger';
import { openBroker } from '../broker';
import type { Broker } from '../broker/broker';

/**
 * Shared plumbing of the `topics`, `produce`, `consume` and `groups` commands: they open
 * the data directory directly (no one else may have it open: the broker's lock says who
 * does), run, and close it again, so that nothing is lost on the way out.
 */
export const DATA_DIR_HELP =
  'data directory (default: $LOGDOCK_DATA_DIR or the OS app-data folder, or the folder chosen in its Settings)';

/**
 * The data directory a command uses: `--data-dir`, else the one `logdock serve` and the app
 * would use — `$LOGDOCK_DATA_DIR` or the OS app-data folder, following the data-directory
 * pointer saved in its settings.json — so that the CLI finds a running Logdock.
 */
export async function dataDirOf(opts: { dataDir?: string }): Promise<string> {
  return resolve(opts.dataDir ?? (await chooseDataDir(defaultDataDir())));
}

/** A Logdock serving the data directory, reached through its API. */
export interface RunningLogdock {
  dataDir: string;
  url: string;
  pid: number;
  /** `host:port` of its Kafka listener, null when off. */
  kafkaListener: string | null;
  /** Connected; the caller must `close()` it. */
  api: ApiClient & { close(): void };
}

/** Says on stderr what a command works on, so nothing is ever written somewhere unsaid. */
export function announce(text: string): void {
  process.stderr.write(`logdock: ${text}\n`);
}

/**
 * The Logdock serving the data directory (found through its `api.json` and confirmed by
 * its API answering), or null when none runs.
 */
export async function runningLogdock(opts: { dataDir?: string }): Promise<RunningLogdock | null> {
  const dataDir = await dataDirOf(opts);
  const running = await connectRunningLogdock(dataDir);
  if (!running) return null;
  const { info, client, system } = running;
  return {
    dataDir,
    url: info.url,
    pid: info.pid,
    kafkaListener: system.kafkaListener,
    api: client,
  };
}

/**
 * Runs `viaApi` against a running Logdock when there is one, else `direct` on the data
 * directory opened here (and closed again).
 */
export async function withLogdock<T>(
  opts: { dataDir?: string },
  direct: (broker: Broker) => Promise<T>,
  viaApi: (api: ApiClient) => Promise<T>,
): Promise<T> {
  const running = await runningLogdock(opts);
  if (!running) return withBroker(opts, direct);
  announce(`using the Logdock (pid ${running.pid}) serving ${running.dataDir} at ${running.url}`);
  try {
    return await viaApi(running.api);
  } finally {
    running.api.close();
  }
}

/** Opens the broker on the data directory, runs `fn`, and always closes it. */
export async function withBroker<T>(
  opts: { dataDir?: string },
  fn: (broker: Broker) => Promise<T>,
): Promise<T> {
  const dataDir = await dataDirOf(opts);
  announce(`using data directory ${dataDir} (no Logdock is serving it)`);
  const broker = await openBroker({
    dataDir,
    logger: createLogger({ scope: 'broker', level: 'warn' }),
    // Command-line tools never trigger background retention passes of their own.
    retentionCheckIntervalMs: 24 * 3600_000,
  });
  try {
    return await fn(broker);
  } finally {
    await broker.close();
  }
}

/** Commander parser for a non-negative integer option. */
export function parseNonNegative(value: string): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new InvalidArgumentError(`expected a non-negative integer, got "${value}"`);
  }
  return Number(value);
}

/** Commander parser for a possibly negative integer option. */
export function parseInteger(value: string): number {
  if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new InvalidArgumentError(`expected an integer, got "${value}"`);
  }
  return Number(value);
}

/** Commander parser for a positive integer option. */
export function parsePositive(value: string): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value)) || Number(value) < 1) {
    throw new InvalidArgumentError(`expected a positive integer, got "${value}"`);
  }
  return Number(value);
}

/** Milliseconds since the epoch, or any date Date.parse reads (ISO 8601 as Kafka's tools take). */
export function parseTimestamp(value: string): number {
  if (/^\d+$/.test(value)) return Number(value);
  const ms = Date.parse(value);
  if (Number.isNaN(ms))
    throw new InvalidArgumentError(`expected epoch milliseconds or an ISO date, got "${value}"`);
  return ms;
}

/** Collects a repeatable option into a list. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Exactly one of `flags` must be set; otherwise a usage error (non-zero exit). */
export function oneOf(cmd: Command, opts: Record<string, unknown>, flags: string[]): string {
  const set = flags.filter((f) => opts[f] !== undefined && opts[f] !== false);
  if (set.length !== 1) {
    const names = flags
      .map((f) => '--' + f.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase()))
      .join(', ');
    cmd.error(
      `error: exactly one of ${names} is required${set.length ? ` (got ${set.length})` : ''}`,
    );
  }
  return set[0];
}

/** Left-aligned columns separated by at least two spaces, as Kafka's tools print tables. */
export function table(header: string[], rows: (string | number | null)[][]): string {
  const cells = [header, ...rows.map((r) => r.map((c) => (c === null ? '-' : String(c))))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  return (
    cells
      .map((r) =>
        r
          .map((c, i) => c.padEnd(widths[i]))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}
