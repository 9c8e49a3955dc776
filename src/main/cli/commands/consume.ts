import type { Command } from 'commander';
import { LogdockError } from '../../../common/errors';
import type { Broker } from '../../broker/broker';
import type { ConsumedRecord, Consumer } from '../../broker/consumer';
import {
  DATA_DIR_HELP,
  parseNonNegative,
  parsePositive,
  parseTimestamp,
  withBroker,
  runningLogdock,
} from '../support';
import { addRemoteOptions, remoteClientOf, withRemoteCluster } from '../remote-cluster';
import { collectProperty, consumerPrinting } from '../console-properties';
import { RemoteCluster } from '../../remote/cluster';
import { consumeAsGroupMember } from './consume-group';
import { consumeFromCluster, type RemoteConsumeOptions } from './consume-remote';

/** What to read is the same locally and on a remote cluster; the rest is how to print and where. */
interface ConsumeOptions extends RemoteConsumeOptions {
  printKey?: boolean;
  printOffset?: boolean;
  printPartition?: boolean;
  dataDir?: string;
  bootstrapServer?: string;
  commandConfig?: string;
  property?: Map<string, string>;
}

/** The options as given: `--offset` also takes kafka-console-consumer's `earliest` and `latest`. */
interface GivenOptions extends Omit<ConsumeOptions, 'offset'> {
  offset?: number | 'earliest' | 'latest';
}

/** `--offset`: a non-negative offset, `earliest` (the log start) or `latest` (its end). */
function parseStartOffset(value: string): number | 'earliest' | 'latest' {
  return value === 'earliest' || value === 'latest' ? value : parseNonNegative(value);
}

/** `--offset earliest` is the partition's start and `latest` its end, the default. */
function startingAt(given: GivenOptions): ConsumeOptions {
  const { offset, ...rest } = given;
  if (offset === 'earliest') return { ...rest, fromBeginning: true };
  return offset === 'latest' ? rest : { ...rest, offset };
}

/** kafka-console-consumer's DefaultMessageFormatter: optional fields, tab separated, null as "null". */
function format(
  r: Pick<ConsumedRecord, 'partition' | 'offset' | 'key' | 'value'>,
  opts: ConsumeOptions,
): string {
  const parts: string[] = [];
  if (opts.printPartition) parts.push(`Partition:${r.partition}`);
  if (opts.printOffset) parts.push(`Offset:${r.offset}`);
  if (opts.printKey) parts.push(r.key === null ? 'null' : r.key.toString('utf8'));
  parts.push(r.value === null ? 'null' : r.value.toString('utf8'));
  return parts.join('\t') + '\n';
}

async function setUp(broker: Broker, opts: ConsumeOptions): Promise<Consumer> {
  const consumer = broker.consumer({
    groupId: opts.group,
    autoOffsetReset: opts.fromBeginning ? 'earliest' : 'latest',
    clientId: 'logdock-console-consumer',
  });
  if (opts.group) {
    consumer.subscribe([opts.topic]);
    return consumer;
  }
  const count = broker.describeTopic(opts.topic).partitions.length;
  const partitions =
    opts.partition !== undefined ? [opts.partition] : Array.from({ length: count }, (_, p) => p);
  consumer.assign(partitions.map((partition) => ({ topic: opts.topic, partition })));
  for (const p of partitions) {
    if (opts.offset !== undefined) await consumer.seek(opts.topic, p, opts.offset);
    else if (opts.timestamp !== undefined)
      await consumer.seek(opts.topic, p, { timestamp: opts.timestamp });
    else await consumer.seek(opts.topic, p, opts.fromBeginning ? 'earliest' : 'latest');
  }
  return consumer;
}

/**
 * `logdock consume --topic T`: prints records as kafka-console-consumer does, from the
 * end (default), the beginning, an offset of one partition or a time; with --group as a
 * member of that consumer group, committing what it printed. Stops after --max-messages,
 * after --timeout-ms without a record, or on Ctrl-C.
 */
export function registerConsume(program: Command): void {
  const command = program
    .command('consume')
    .description('print records of a topic (like kafka-console-consumer)')
    .requiredOption('--topic <topic>', 'topic to read')
    .option('--group <group>', 'consume as a member of this consumer group and commit offsets')
    .option('--from-beginning', 'start at the earliest offset when there is no committed one')
    .option(
      '--offset <n>',
      'start at this offset, or earliest / latest (needs --partition)',
      parseStartOffset,
    )
    .option(
      '--timestamp <t>',
      'start at the first record at or after this time (epoch ms or ISO date)',
      parseTimestamp,
    )
    .option('--partition <n>', 'read only this partition', parseNonNegative)
    .option('--max-messages <n>', 'exit after this many records', parsePositive)
    .option('--timeout-ms <n>', 'exit when no record arrived for this long', parsePositive)
    .option('--print-key', 'print the key before the value')
    .option('--print-offset', 'print the offset before the value')
    .option('--print-partition', 'print the partition before the value')
    .option(
      '--property <key=value>',
      "kafka-console-consumer's print.key, print.offset, print.partition=true (repeatable)",
      collectProperty,
    )
    .option('--data-dir <dir>', DATA_DIR_HELP);
  addRemoteOptions(command).action(async (given: GivenOptions, cmd: Command) => {
    const opts = consumerPrinting(given.property, startingAt(given));
    const starts = [
      given.fromBeginning,
      given.offset !== undefined,
      opts.timestamp !== undefined,
    ].filter(Boolean).length;
    if (starts > 1) cmd.error('error: use only one of --from-beginning, --offset and --timestamp');
    if (given.offset !== undefined && opts.partition === undefined)
      cmd.error('error: --offset needs --partition');
    if (
      opts.group &&
      (opts.partition !== undefined || given.offset !== undefined || opts.timestamp !== undefined)
    ) {
      cmd.error('error: --group cannot be combined with --partition, --offset or --timestamp');
    }
    let total = 0;
    const remote = await remoteClientOf(opts);
    if (remote) {
      let stop = false;
      const onSigint = (): void => {
        stop = true;
      };
      process.once('SIGINT', onSigint);
      const print = (r: Parameters<typeof format>[0]) => process.stdout.write(format(r, opts));
      const group = opts.group;
      try {
        // As kafka-console-consumer (allow.auto.create.topics, the Java consumer's default): a
        // broker that creates topics creates a missing one, and the command waits for records.
        const created = (c: RemoteCluster) => c.autoCreateTopic(opts.topic);
        total = group
          ? await withRemoteCluster(new RemoteCluster(remote), created).then(() =>
              consumeAsGroupMember(
                remote.client,
                remote.name,
                { ...opts, group },
                print,
                () => stop,
              ),
            )
          : await withRemoteCluster(new RemoteCluster(remote), async (c) => {
              await created(c);
              return consumeFromCluster(c, opts, print, () => stop);
            });
      } finally {
        process.removeListener('SIGINT', onSigint);
      }
      process.stderr.write(`Processed a total of ${total} messages\n`);
      return;
    }
    const running = await runningLogdock(opts);
    if (running) {
      running.api.close();
      const through = running.kafkaListener
        ? `read through its Kafka listener (e.g. kcat -b ${running.kafkaListener} -C -t ${opts.topic})`
        : 'turn on its Kafka listener (Settings) and read through it';
      throw new LogdockError(
        'UNAVAILABLE',
        `Logdock (pid ${running.pid}) is serving ${running.dataDir}; consume reads the data directory itself, so stop Logdock first, or ${through}`,
      );
    }
    await withBroker(opts, async (broker) => {
      const consumer = await setUp(broker, opts);
      let stop = false;
      const onSigint = (): void => {
        stop = true;
        void consumer.close();
      };
      process.once('SIGINT', onSigint);
      try {
        let idleSince = Date.now();
        while (!stop) {
          const wait = opts.timeoutMs ? Math.max(0, idleSince + opts.timeoutMs - Date.now()) : 1000;
          const records = await consumer.poll(wait);
          let printed = 0;
          for (const r of records) {
            if (opts.maxMessages !== undefined && total >= opts.maxMessages) break;
            process.stdout.write(format(r, opts));
            total++;
            printed++;
          }
          if (opts.group && printed > 0) {
            // Commit exactly what was printed.
            const last = new Map<number, number>();
            for (const r of records.slice(0, printed)) last.set(r.partition, r.offset + 1);
            await consumer.commitSync(
              [...last].map(([partition, offset]) => ({ topic: opts.topic, partition, offset })),
            );
          }
          if (records.length > 0) idleSince = Date.now();
          if (opts.maxMessages !== undefined && total >= opts.maxMessages) break;
          if (opts.timeoutMs && Date.now() - idleSince >= opts.timeoutMs) break;
        }
      } finally {
        process.removeListener('SIGINT', onSigint);
        await consumer.close();
      }
    });
    process.stderr.write(`Processed a total of ${total} messages\n`);
  });
}
