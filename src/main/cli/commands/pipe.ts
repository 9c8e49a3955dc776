import type { Command } from 'commander';
import { LogdockError } from '../../../common/errors';
import { Broker } from '../../broker/broker';
import { LocalCluster } from '../../cluster';
import { parserSchema } from '../../../common/collectors/config';
import { createParser } from '../../collectors/parsers';
import { RecordQueue } from '../../collectors/queue';
import { H, fixedHeader } from '../../collectors/record';
import { StreamLines } from '../../collectors/stream-lines';
import { clusterLineLimit, topicLineLimit } from '../../collectors/line-limit';
import { ensureTopic } from '../../collectors/topic';
import { announce, dataDirOf } from '../support';
import { connectRunningLogdock } from '../../headless/api-file';
import { createLogger } from '../../logger';

const MAX_LINE_BYTES = 1024 * 1024;

export interface PipeOptions {
  topic: string;
  dataDir?: string;
  parser?: string;
  encoding?: 'utf8' | 'utf16le' | 'utf16be' | 'latin1';
}

/**
 * `some-command | logdock pipe --topic T`: every line of stdin becomes a record of topic T
 * (header `logdock.source: pipe`). With a Logdock running on the data directory the lines
 * go through its API, one after the other so their order is kept; otherwise the data
 * directory is opened directly and lines are produced in batches. Either way a line is
 * acknowledged by the log before the next is taken from stdin beyond the current chunk,
 * and a failed append ends the pipe with a non-zero exit and nothing after it appended.
 */
export function registerPipe(program: Command): void {
  program
    .command('pipe')
    .description('read lines from stdin into a topic: some-command | logdock pipe --topic T')
    .requiredOption('--topic <topic>', 'topic to produce to (created if missing)')
    .option(
      '--data-dir <dir>',
      'data directory (default: $LOGDOCK_DATA_DIR or the OS app-data folder)',
    )
    .option(
      '--parser <type>',
      'plain, json or logfmt: parse lines for timestamp, level and fields',
      'plain',
    )
    .option('--encoding <encoding>', 'utf8, utf16le, utf16be or latin1', 'utf8')
    .action(async (opts: PipeOptions) => {
      const count = await pipe(process.stdin, opts);
      process.stderr.write(`logdock pipe: ${count} lines into ${opts.topic}\n`);
    });
}

/**
 * Reads `input` to its end and produces its lines; returns how many.
 * @throws LogdockError INVALID_ARGUMENT for a bad parser or encoding, or the broker's error.
 */
export async function pipe(input: NodeJS.ReadableStream, opts: PipeOptions): Promise<number> {
  const parserConfig = parserSchema.safeParse({ type: opts.parser ?? 'plain' });
  if (!parserConfig.success || !['plain', 'json', 'logfmt'].includes(parserConfig.data.type)) {
    throw new LogdockError(
      'INVALID_ARGUMENT',
      `--parser must be plain, json or logfmt, got "${opts.parser}"`,
    );
  }
  const encoding = opts.encoding ?? 'utf8';
  if (!['utf8', 'utf16le', 'utf16be', 'latin1'].includes(encoding)) {
    throw new LogdockError(
      'INVALID_ARGUMENT',
      `--encoding must be utf8, utf16le, utf16be or latin1, got "${encoding}"`,
    );
  }
  const dataDir = await dataDirOf(opts);
  const counters = { lines: 0, cutLines: 0, parseErrors: 0 };
  // A longer line keeps its first bytes (logdock.cut) so that its record fits the topic.
  const linesUpTo = (maxLineBytes: number) =>
    new StreamLines(
      opts.topic,
      { encoding, maxLineBytes, fields: 'headers', timeFromLine: true, timezone: 'local' },
      createParser(parserConfig.data, 'local'),
      [fixedHeader(H.source, 'pipe')],
      counters,
    );
  const running = await connectRunningLogdock(dataDir);
  if (running) {
    const api = running.client;
    announce(
      `using the Logdock (pid ${running.info.pid}) serving ${dataDir} at ${running.info.url}`,
    );
    try {
      const describe = (topic: string) => api.call('topics.describe', { topic });
      const lines = linesUpTo(await topicLineLimit(describe, opts.topic, MAX_LINE_BYTES));
      const produce = async (records: ReturnType<StreamLines['push']>) => {
        for (const r of records) {
          await api.call('messages.produce', {
            topic: opts.topic,
            key: r.key ? r.key.toString('utf8') : null,
            value: r.value ? r.value.toString('utf8') : null,
            headers: (r.headers ?? []).map((h) => ({
              key: h.key,
              value: h.value ? h.value.toString('utf8') : null,
            })),
          });
        }
      };
      for await (const chunk of input) await produce(lines.push(toBuffer(chunk)));
      await produce(lines.end());
    } finally {
      api.close();
    }
    return counters.lines;
  }
  announce(`using data directory ${dataDir} (no Logdock is serving it)`);
  const broker = await Broker.open({ dataDir, logger: createLogger({ level: 'warn' }) });
  const cluster = new LocalCluster(broker);
  try {
    await ensureTopic(cluster, opts.topic);
    const lines = linesUpTo(await clusterLineLimit(cluster, opts.topic, MAX_LINE_BYTES));
    let failure: Error | null = null;
    const queue = new RecordQueue(cluster, { onError: (err) => (failure ??= err) });
    const check = () => {
      if (failure) throw undelivered(failure, opts.topic, queue.sent);
    };
    for await (const chunk of input) {
      // Read on only once this chunk is in the log: the pipe takes from its writer no more
      // than one chunk ahead of what is appended, and after a failed append it stops with
      // nothing later appended (the exit code says so).
      await queue.push(lines.push(toBuffer(chunk)));
      check();
    }
    await queue.push(lines.end());
    check();
  } finally {
    await broker.close();
  }
  return counters.lines;
}

/** The error a pipe exits with when an append failed: how much got in, and why not the rest. */
function undelivered(err: Error, topic: string, appended: number): LogdockError {
  const code = err instanceof LogdockError ? err.code : 'IO_ERROR';
  return new LogdockError(
    code,
    `${appended} lines are in ${topic}; the next could not be appended and the rest of stdin was not read: ${err.message}`,
  );
}

/** Streams in object or string mode hand out strings. */
function toBuffer(chunk: unknown): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
}
