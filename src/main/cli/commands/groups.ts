import type { Command } from 'commander';
import { LogdockError } from '../../../common/errors';
import type { ApiClient } from '../../../common/api/contract';
import type {
  GroupMemberDescription,
  GroupSummary,
  OffsetResetPlanEntry,
  OffsetSpec,
  PartitionLag,
} from '../../broker/api';
import { LocalCluster, type Cluster } from '../../cluster';
import { addRemoteOptions, remoteClusterOf, withRemoteCluster } from '../remote-cluster';
import {
  DATA_DIR_HELP,
  oneOf,
  parseInteger,
  parseNonNegative,
  parseTimestamp,
  table,
  withLogdock,
} from '../support';

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
  bootstrapServer?: string;
  commandConfig?: string;
}

/** What the command needs, from the broker or from a running Logdock's API. */
interface GroupsBackend {
  list(): Promise<GroupSummary[]>;
  describe(
    groupId: string,
  ): Promise<{ members: number; memberList: GroupMemberDescription[]; lag: PartitionLag[] }>;
  delete(groupId: string): Promise<void>;
  reset(
    groupId: string,
    target: { topic?: string; partition?: number; spec: OffsetSpec },
    dryRun: boolean,
  ): Promise<OffsetResetPlanEntry[]>;
}

/** The data directory's broker (through LocalCluster) or a Kafka cluster (--bootstrap-server). */
function clusterBackend(cluster: Cluster): GroupsBackend {
  return {
    list: () => cluster.listGroups(),
    describe: async (groupId) => ({
      ...(await cluster.describeGroup(groupId)),
      lag: await cluster.groupLag(groupId),
    }),
    delete: (groupId) => cluster.deleteGroup(groupId),
    reset: (groupId, target, dryRun) => cluster.resetGroupOffsets(groupId, target, { dryRun }),
  };
}

function apiBackend(api: ApiClient): GroupsBackend {
  return {
    list: () => api.call('groups.list', {}),
    describe: async (groupId) => {
      const d = await api.call('groups.describe', { groupId });
      return { members: d.members, memberList: d.memberList, lag: d.partitions };
    },
    delete: async (groupId) => {
      await api.call('groups.delete', { groupId });
    },
    reset: async (groupId, target, dryRun) =>
      (await api.call('groups.resetOffsets', { groupId, ...target, dryRun })).plan,
  };
}

/** Kafka's kafka-consumer-groups --describe table. */
async function describe(backend: GroupsBackend, groupId: string): Promise<string> {
  const group = await backend.describe(groupId);
  const owner = new Map<string, GroupMemberDescription>();
  for (const m of group.memberList)
    for (const a of m.assignment) for (const p of a.partitions) owner.set(`${a.topic}:${p}`, m);
  const rows = group.lag.map((l) => {
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
  const command = program
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
    .option('--data-dir <dir>', DATA_DIR_HELP);
  addRemoteOptions(command).action(async (opts: GroupsOptions, cmd: Command) => {
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
      if (opts.dryRun && opts.execute) cmd.error('error: use only one of --dry-run and --execute');
    }
    const run = async (backend: GroupsBackend): Promise<void> => {
      const groupId = opts.group!;
      switch (action) {
        case 'list': {
          const groups = await backend.list();
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
          process.stdout.write(await describe(backend, groupId));
          return;
        case 'delete':
          await backend.delete(groupId);
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
          const plan = await backend.reset(
            groupId,
            { ...scopeOf(cmd, opts.topic), spec: specOf(opts) },
            !opts.execute,
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
    };
    const remote = await remoteClusterOf(opts);
    if (remote) {
      await withRemoteCluster(remote, (c) => run(clusterBackend(c)));
      return;
    }
    await withLogdock(
      opts,
      // The cluster does not own the broker here: withLogdock closes it.
      (broker) => run(clusterBackend(new LocalCluster(broker))),
      (api) => run(apiBackend(api)),
    );
  });
}
