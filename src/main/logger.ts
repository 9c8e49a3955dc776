/**
 * The process-wide logger handed to every service through `Services.logger`. Lines go to
 * stderr so that stdout stays free for command output (the CLI prints URLs and tables
 * there). Level `debug` is shown only with LOGDOCK_DEBUG=1.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** A logger whose lines are prefixed with `[scope]`, e.g. `logger.child('broker')`. */
  child(scope: string): Logger;
}

export interface LoggerOptions {
  scope?: string;
  /** Lowest level written; defaults to `debug` with LOGDOCK_DEBUG=1, else `info`. */
  level?: LogLevel;
  write?: (line: string) => void;
}

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? (process.env.LOGDOCK_DEBUG === '1' ? 'debug' : 'info');
  const write = options.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const prefix = options.scope ? `[${options.scope}] ` : '';
  const log = (lvl: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
    if (ORDER[lvl] < ORDER[level]) return;
    const extra = fields && Object.keys(fields).length ? ' ' + JSON.stringify(fields) : '';
    write(`${new Date().toISOString()} ${lvl.toUpperCase()} ${prefix}${message}${extra}`);
  };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (scope) =>
      createLogger({ level, write, scope: options.scope ? `${options.scope}:${scope}` : scope }),
  };
}

/** A logger that drops everything; for tests that do not look at logs. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => silentLogger,
};

/** An append-only log file; lines are queued on a stream so logging never blocks. */
export interface LogFile {
  readonly path: string;
  write(line: string): void;
  /** Flushes what is queued and closes the file. Idempotent. */
  close(): Promise<void>;
}

/** The file is rotated to `<name>.1` at open once it is bigger than this. */
const ROTATE_BYTES = 10 * 1024 * 1024;

/**
 * Opens `path` for appending (creating its folder), first rotating it to `path.1` if it has
 * grown past 10 MiB. Write errors (disk full, folder removed) are swallowed after the first
 * report on stderr: losing log lines must not take the app down.
 */
export async function openLogFile(path: string): Promise<LogFile> {
  const { mkdir, rename, stat } = await import('node:fs/promises');
  const { createWriteStream } = await import('node:fs');
  const { dirname } = await import('node:path');
  await mkdir(dirname(path), { recursive: true });
  const size = await stat(path).then(
    (s) => s.size,
    () => 0,
  );
  if (size > ROTATE_BYTES) await rename(path, `${path}.1`);
  const stream = createWriteStream(path, { flags: 'a' });
  let failed = false;
  stream.on('error', (err) => {
    if (!failed) process.stderr.write(`logdock: cannot write ${path}: ${err.message}\n`);
    failed = true;
  });
  let closing: Promise<void> | undefined;
  return {
    path,
    write(line) {
      if (!failed && !closing) stream.write(line + '\n');
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        if (failed) return resolve();
        stream.end(() => resolve());
      });
      return closing;
    },
  };
}
