import { mkdir } from 'node:fs/promises';
import { LogdockError } from '../common/errors';
import { createLogger, type Logger } from './logger';

export type Mode = 'electron' | 'headless' | 'test';

/**
 * Everything the API handlers, the Electron shell and headless mode use, opened once per
 * process by `openServices` and closed by `close()`. A service joins this interface when it
 * lands; until then it is left out rather than faked.
 */
export interface Services {
  readonly dataDir: string;
  readonly mode: Mode;
  readonly logger: Logger;
  /**
   * Closes every service in the reverse order of opening, flushing what they hold. Safe to
   * call more than once and concurrently: later calls return the first call's promise.
   * Never rejects; failures of single services are logged so the others still close.
   */
  close(): Promise<void>;
}

export interface OpenServicesOptions {
  dataDir: string;
  mode: Mode;
  logger?: Logger;
}

/** One opened service and how to close it, kept in opening order. */
interface Closer {
  name: string;
  close: () => Promise<void> | void;
}

/**
 * Opens every service on `dataDir` (created if missing). If one fails to open, the ones
 * already opened are closed again and the error is rethrown.
 * @throws LogdockError IO_ERROR when the data directory cannot be created, or whatever the
 *   failing service throws.
 */
export async function openServices(options: OpenServicesOptions): Promise<Services> {
  const logger = options.logger ?? createLogger();
  const closers: Closer[] = [];
  const closeAll = once(async () => {
    for (const { name, close } of [...closers].reverse()) {
      try {
        await close();
        logger.debug(`closed ${name}`);
      } catch (err) {
        logger.error(`closing ${name} failed: ${(err as Error).message}`);
      }
    }
  });

  try {
    await mkdir(options.dataDir, { recursive: true }).catch((err: Error) => {
      throw new LogdockError(
        'IO_ERROR',
        `cannot create data directory ${options.dataDir}: ${err.message}`,
        { cause: err },
      );
    });
    // Services are opened here in dependency order, each followed by
    // `closers.push({ name, close })`: broker, then the Kafka listener, then collectors.
    return { dataDir: options.dataDir, mode: options.mode, logger, close: closeAll };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= fn());
}
