import type { Command } from 'commander';
import { LogdockError } from '../../../common/errors';
import { DATA_DIR_HELP, parseNonNegative, withLogdock } from '../support';
import { lineGroups } from '../produce/lines';
import { progressLine } from '../produce/progress';
import { produceToCluster } from '../produce/cluster';
import { produceLines } from '../produce/direct';
import { stdinLineChunks } from '../produce/line-chunks';
import { produceViaApi } from '../produce/send';
import { addRemoteOptions, remoteClusterOf, withRemoteCluster } from '../remote-cluster';
import { collectProperty, producerKeySeparator } from '../console-properties';

interface ProduceOptions {
  topic: string;
  keySeparator?: string;
  partition?: number;
  acks?: string;
  dataDir?: string;
  bootstrapServer?: string;
  commandConfig?: string;
  property?: Map<string, string>;
}

/** Splits lines at the first separator (a line without one is an error naming its number). */
function lineSplitter(
  separator: string | undefined,
): (line: string) => { key: string | null; value: string } {
  let lineNo = 0;
  return (line) => {
    lineNo++;
    if (separator === undefined) return { key: null, value: line };
    const at = line.indexOf(separator);
    if (at < 0)
      throw new LogdockError(
        'INVALID_ARGUMENT',
        `no key separator "${separator}" on line ${lineNo}`,
      );
    return { key: line.slice(0, at), value: line.slice(at + separator.length) };
  };
}

/** `groups` as they come, after `first()` has run once before the first of them. */
async function* beforeFirst<T>(groups: AsyncIterable<T>, first: () => Promise<void>) {
  let started = false;
  for await (const group of groups) {
    if (!started) await first();
    started = true;
    yield group;
  }
}

/**
 * `logdock produce --topic T [--key-separator S]`: one record per stdin line, as
 * kafka-console-producer (with --key-separator like its parse.key/key.separator). Records
 * are batched; the command exits once every one is acknowledged. Into a data directory the
 * lines go straight into record batches (produce/direct.ts); with a Logdock running on it
 * they go through its API instead, in pipelined batches. On a
 * terminal, stderr shows a progress line.
 */
export function registerProduce(program: Command): void {
  const command = program
    .command('produce')
    .description('produce one record per stdin line (like kafka-console-producer)')
    .requiredOption(
      '--topic <topic>',
      'topic to produce to (created if missing; with --bootstrap-server, if the broker creates topics)',
    )
    .option('--key-separator <s>', 'split each line at the first <s> into key and value')
    .option(
      '--property <key=value>',
      "kafka-console-producer's parse.key=true and key.separator=<s> (repeatable)",
      collectProperty,
    )
    .option('--partition <n>', 'send every record to this partition', parseNonNegative)
    .option('--acks <acks>', '1 (after append) or all / -1 (after fsync)', '1')
    .option('--data-dir <dir>', DATA_DIR_HELP);
  addRemoteOptions(command).action(async (given: ProduceOptions, cmd: Command) => {
    const opts = {
      ...given,
      keySeparator: producerKeySeparator(given.property, given.keySeparator),
    };
    if (opts.keySeparator === '') cmd.error('error: --key-separator cannot be empty');
    if (!['1', 'all', '-1'].includes(opts.acks ?? '1'))
      cmd.error(`error: --acks must be 1, all or -1, got "${opts.acks}"`);
    const acks = opts.acks === '1' ? 1 : -1;
    const target = { topic: opts.topic, partition: opts.partition, acks } as const;
    let count = 0;
    const split = lineSplitter(opts.keySeparator);
    // Split as read; counted for the progress line.
    async function* lines() {
      for await (const group of lineGroups(process.stdin)) {
        count += group.length;
        yield group.map(split);
      }
    }
    const progress = progressLine(() => count, 'lines read');
    const remote = await remoteClusterOf(opts);
    const acked = await (
      remote
        ? withRemoteCluster(remote, (c) =>
            // As kafka-console-producer: the first record's metadata lets the broker create it.
            produceToCluster(
              c,
              target,
              beforeFirst(lines(), () => c.autoCreateTopic(opts.topic)),
            ),
          )
        : withLogdock(
            opts,
            (broker) =>
              produceLines(broker, target, stdinLineChunks(), {
                keySeparator: opts.keySeparator,
                onLines: (n) => (count += n),
              }),
            (api) => produceViaApi(api, target, lines()),
          )
    ).finally(() => progress.stop());
    process.stderr.write(`logdock produce: ${acked} records to ${opts.topic}\n`);
  });
}
