import type { Command } from 'commander';
import { LogdockError } from '../../../common/errors';
import type { OffsetSpec } from '../../broker/api';
import type { Broker } from '../../broker/broker';
import {
  DATA_DIR_HELP,
  oneOf,
  parseInteger,
  parseNonNegative,
  parseTimestamp,
  table,
  withBroker,
} from '../../broker/cli-support';

interface GroupsOptions {
  list?: boolean;
  describe?: boolean;
  delete?: boolean;
  resetOffsets?: boolean;
  group?: string;
  state?: boolean;
  topic?: string;
  allTopics?: boolean;
  toEarliest?: boolean;
  toLatest?: boolean;
  toOffset?: number;
  toDatetime?: number;
  shiftBy?: number;
  dryRun?: boolean;
  execute?: boolean;
  dataDir?: string;
}

/** Kafka's kafka-consumer-groups --describe table. */
function describe(broker: Broker, groupId: string): string {
  const group = broker.describeGroup(groupId);
  const owner = new Map<string, { memberId: string; clientHost: string; clientId: string }>();
  for (const m of group.memberList)
    for (const a of m.assignment) for (const p of a.partitions) owner.set(`${a.topic}:${p}`, m);
  const rows = broker.groupLag(groupId).map((l) => {
    const m = owner.get(`${l.topic}:${l.partition}`);
    return [
      groupId,
      l.topic,
      l.partition,
      l.committedOffset,
      l.logEndOffset,
      l.lag,
      m?.memberId ?? null,
      m?.clientHost ?? null,
      m?.clientId ?? null,
    ];
  });
  const note =
    group.members === 0 ? `\nConsumer group '${groupId}' has no active members.\n\n` : '\n';
  return (
    note +
    table(
      [
        'GROUP',
        'TOPIC',
        'PARTITION',
        'CURRENT-OFFSET',
        'LOG-END-OFFSET',
        'LAG',
        'CONSUMER-ID',
        'HOST',
        'CLIENT-ID',
      ],
      rows,
    )
  );
}

function specOf(opts: GroupsOptions): OffsetSpec {
  if (opts.toEarliest) return { kind: 'earliest' };
  if (opts.toLatest) return { kind: 'latest' };
  if (opts.toOffset !== undefined) return { kind: 'offset', offset: opts.toOffset };
  if (opts.toDatetime !== undefined) return { kind: 'timestamp', timestamp: opts.toDatetime };
  return { kind: 'shift', by: opts.shiftBy! };
}

/** `--topic T` or `--topic T:P` (Kafka's topic:partition form). */
function scopeOf(cmd: Command, topic: string | undefined): { topic?: string; partition?: number } {
  if (!topic) return {};
  const m = /^(.+?)(?::(\d+))?$/.exec(topic)!;
  if (!m[1]) cmd.error(`error: bad --topic "${topic}"`);
  return { topic: m[1], partition: m[2] === undefined ? undefined : Number(m[2]) };
}

/**
 * `logdock groups --list|--describe|--delete|--reset-offsets`, after Kafka's
 * kafka-consumer-groups, on a data directory no running Logdock has open.
 */
export function registerGroups(program: Command): void {
  program
    .command('groups')
    .description(
      'list, describe, delete consumer groups or reset their offsets (like kafka-consumer-groups)',
    )
    .option('--list', 'list groups')
    .option('--state', 'with --list: show each group state')
    .option('--describe', 'members, committed offsets and lag of --group')
    .option('--delete', 'delete --group and its offsets (it must have no members)')
    .option('--reset-offsets', 'plan (--dry-run) or apply (--execute) new offsets for --group')
    .option('--group <group>', 'the group')
    .option('--topic <topic[:partition]>', 'reset only this topic or partition')
    .option('--all-topics', 'reset every topic the group has offsets for')
    .option('--to-earliest', 'reset to the log start')
    .option('--to-latest', 'reset to the log end')
    .option('--to-offset <n>', 'reset to this offset', parseNonNegative)
    .option('--to-datetime <t>', 'reset to the first record at or after this time', parseTimestamp)
    .option('--shift-by <n>', 'move the committed offsets by n (may be negative)', parseInteger)
    .option('--dry-run', 'only show the new offsets (the default)')
    .option('--execute', 'apply the new offsets')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action(async (opts: GroupsOptions, cmd: Command) => {
      const action = oneOf(cmd, opts as unknown as Record<string, unknown>, [
        'list',
        'describe',
        'delete',
        'resetOffsets',
      ]);
      if (action !== 'list' && !opts.group)
        cmd.error(`error: --${action === 'resetOffsets' ? 'reset-offsets' : action} needs --group`);
      if (action === 'resetOffsets') {
        oneOf(cmd, opts as unknown as Record<string, unknown>, [
          'toEarliest',
          'toLatest',
          'toOffset',
          'toDatetime',
          'shiftBy',
        ]);
        if (!opts.topic && !opts.allTopics)
          cmd.error('error: --reset-offsets needs --topic or --all-topics');
        if (opts.dryRun && opts.execute)
          cmd.error('error: use only one of --dry-run and --execute');
      }
      await withBroker(opts, async (broker) => {
        const groupId = opts.group!;
        switch (action) {
          case 'list': {
            const groups = broker.listGroups();
            if (opts.state)
              process.stdout.write(
                table(
                  ['GROUP', 'STATE', 'MEMBERS'],
                  groups.map((g) => [g.groupId, g.state, g.members]),
                ),
              );
            else for (const g of groups) process.stdout.write(`${g.groupId}\n`);
            return;
          }
          case 'describe':
            process.stdout.write(describe(broker, groupId));
            return;
          case 'delete':
            await broker.deleteGroup(groupId);
            process.stdout.write(
              `Deletion of requested consumer groups ('${groupId}') was successful.\n`,
            );
            return;
          case 'resetOffsets': {
            if (!opts.execute && !opts.dryRun) {
              process.stderr.write(
                'WARN: No action will be performed as the --execute option is missing. Showing the plan (--dry-run).\n',
              );
            }
            const plan = await broker.resetGroupOffsets(
              groupId,
              { ...scopeOf(cmd, opts.topic), spec: specOf(opts) },
              { dryRun: !opts.execute },
            );
            process.stdout.write(
              table(
                ['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'],
                plan.map((e) => [groupId, e.topic, e.partition, e.newOffset]),
              ),
            );
            return;
          }
          default:
            throw new LogdockError('INTERNAL', `unhandled action ${action}`);
        }
      });
    });
}
