import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { LogdockError } from '../../../common/errors';
import { DATA_DIR_HELP, parseNonNegative, withBroker } from '../../broker/cli-support';
import type { RecordMetadata } from '../../broker/producer';

interface ProduceOptions {
  topic: string;
  keySeparator?: string;
  partition?: number;
  acks?: string;
  dataDir?: string;
}

/**
 * `logdock produce --topic T [--key-separator S]`: one record per stdin line, as
 * kafka-console-producer (with --key-separator like its parse.key/key.separator). Records
 * are batched; the command exits once every one is acknowledged.
 */
export function registerProduce(program: Command): void {
  program
    .command('produce')
    .description('produce one record per stdin line (like kafka-console-producer)')
    .requiredOption('--topic <topic>', 'topic to produce to (created if missing)')
    .option('--key-separator <s>', 'split each line at the first <s> into key and value')
    .option('--partition <n>', 'send every record to this partition', parseNonNegative)
    .option('--acks <acks>', '1 (after append) or all / -1 (after fsync)', '1')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action(async (opts: ProduceOptions, cmd: Command) => {
      if (opts.keySeparator === '') cmd.error('error: --key-separator cannot be empty');
      if (!['1', 'all', '-1'].includes(opts.acks ?? '1'))
        cmd.error(`error: --acks must be 1, all or -1, got "${opts.acks}"`);
      const acks = opts.acks === '1' ? 1 : -1;
      const count = await withBroker(opts, async (broker) => {
        const producer = broker.producer({ acks, lingerMs: 5 });
        const acked: Promise<RecordMetadata>[] = [];
        let lineNo = 0;
        for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
          lineNo++;
          let key: Buffer | null = null;
          let value = line;
          if (opts.keySeparator !== undefined) {
            const at = line.indexOf(opts.keySeparator);
            if (at < 0) {
              throw new LogdockError(
                'INVALID_ARGUMENT',
                `no key separator "${opts.keySeparator}" on line ${lineNo}`,
              );
            }
            key = Buffer.from(line.slice(0, at));
            value = line.slice(at + opts.keySeparator.length);
          }
          const sent = producer.send({
            topic: opts.topic,
            partition: opts.partition,
            key,
            value: Buffer.from(value),
          });
          // Surface a failure (e.g. MESSAGE_TOO_LARGE) right away rather than at the end.
          sent.catch(() => {});
          acked.push(sent);
          if (acked.length % 1000 === 0) await Promise.all(acked.slice(-1000));
        }
        await producer.flush();
        await Promise.all(acked);
        return acked.length;
      });
      process.stderr.write(`logdock produce: ${count} records to ${opts.topic}\n`);
    });
}
