import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { ApiClient } from '../../common/api/contract';
import { defaultDataDir } from '../data-dir';
import { connectRunningLogdock } from '../headless/api-file';
import { createLogger } from '../logger';
import { openBroker } from './index';
import type { Broker } from './broker';

/**
 * Shared plumbing of the `topics`, `produce`, `consume` and `groups` commands: they open
 * the data directory directly (no one else may have it open: the broker's lock says who
 * does), run, and close it again, so that nothing is lost on the way out.
 */
export const DATA_DIR_HELP =
  'data directory (default: $LOGDOCK_DATA_DIR or the OS app-data folder)';

export function dataDirOf(opts: { dataDir?: string }): string {
  return resolve(opts.dataDir ?? defaultDataDir());
}

/**
 * The API of a Logdock running on the data directory (found through its `api.json`), or
 * null when none runs. The caller must `close()` it.
 */
export async function runningApi(opts: {
  dataDir?: string;
}): Promise<(ApiClient & { close(): void }) | null> {
  const running = await connectRunningLogdock(dataDirOf(opts));
  return running?.client ?? null;
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
  const api = await runningApi(opts);
  if (!api) return withBroker(opts, direct);
  try {
    return await viaApi(api);
  } finally {
    api.close();
  }
}

/** Opens the broker on the data directory, runs `fn`, and always closes it. */
export async function withBroker<T>(
  opts: { dataDir?: string },
  fn: (broker: Broker) => Promise<T>,
): Promise<T> {
  const broker = await openBroker({
    dataDir: dataDirOf(opts),
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
