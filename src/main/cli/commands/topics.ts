import type { Command } from 'commander';
import { LogdockError } from '../../../common/errors';
import { LocalCluster, type Cluster } from '../../cluster';
import type { TopicConfigChanges, TopicConfigInput } from '../../cluster/cluster';
import { addRemoteOptions, remoteClusterOf, withRemoteCluster } from '../remote-cluster';
import type { ApiClient } from '../../../common/api/contract';
import { TOPIC_SETTING_CONFIGS } from '../../../common/api/topic-settings';
import { collect, DATA_DIR_HELP, oneOf, parsePositive, withLogdock } from '../support';

interface TopicsOptions {
  list?: boolean;
  describe?: boolean;
  create?: boolean;
  alter?: boolean;
  delete?: boolean;
  topic?: string;
  partitions?: number;
  config: string[];
  deleteConfig: string[];
  includeInternal?: boolean;
  underReplicatedPartitions?: boolean;
  unavailablePartitions?: boolean;
  dataDir?: string;
  bootstrapServer?: string;
  commandConfig?: string;
}

/** `key=value` pairs of --config into an object; a malformed pair is a usage error. */
function parseConfigs(cmd: Command, pairs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) cmd.error(`error: --config expects key=value, got "${pair}"`);
    out[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return out;
}

/** What --describe prints, from the broker or from the API. */
interface Described {
  name: string;
  partitions: {
    partition: number;
    logStartOffset: number;
    logEndOffset: number;
    sizeBytes: number;
    /** Placement, where known (a cluster); the embedded broker's API view has none: node 0. */
    leader?: number;
    replicas?: number[];
    isr?: number[];
  }[];
  configs: object;
}

/** Which partitions --describe prints: all, or only those kafka-topics' filters ask for. */
interface DescribeFilter {
  underReplicated?: boolean;
  unavailable?: boolean;
}

/**
 * Kafka's kafka-topics --describe layout, plus offsets and size per partition. A partition
 * without a leader says `Leader: none`, as Kafka's tool does. With --under-replicated-partitions
 * (a leader, fewer replicas in sync than assigned) or --unavailable-partitions (no leader),
 * only those partitions are printed and no topic line, as kafka-topics does.
 */
function describe(t: Described, filter: DescribeFilter = {}): string {
  const configs = Object.entries(t.configs as Record<string, unknown>)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const replication = t.partitions[0]?.replicas?.length ?? 1;
  const filtered = filter.underReplicated || filter.unavailable;
  const lines = filtered
    ? []
    : [
        `Topic: ${t.name}\tPartitionCount: ${t.partitions.length}\tReplicationFactor: ${replication}\tConfigs: ${configs}`,
      ];
  for (const p of t.partitions) {
    const leader = p.leader ?? 0;
    const replicas = p.replicas ?? [0];
    const isr = p.isr ?? [0];
    const underReplicated = leader >= 0 && isr.length < replicas.length;
    if (
      filtered &&
      !(filter.underReplicated && underReplicated) &&
      !(filter.unavailable && leader < 0)
    )
      continue;
    const size = p.sizeBytes >= 0 ? `\tSize: ${p.sizeBytes}` : '';
    lines.push(
      `\tTopic: ${t.name}\tPartition: ${p.partition}\tLeader: ${leader < 0 ? 'none' : leader}\tReplicas: ${replicas.join(',')}\tIsr: ${isr.join(',')}` +
        `\tLogStartOffset: ${p.logStartOffset}\tLogEndOffset: ${p.logEndOffset}${size}`,
    );
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}

const filterOf = (opts: TopicsOptions): DescribeFilter => ({
  underReplicated: opts.underReplicatedPartitions,
  unavailable: opts.unavailablePartitions,
});

/**
 * `logdock topics --list|--describe|--create|--alter|--delete`, after Kafka's kafka-topics
 * (with --config/--delete-config on --alter in place of kafka-configs), on a data directory
 * no running Logdock has open.
 */
export function registerTopics(program: Command): void {
  const command = program
    .command('topics')
    .description('list, describe, create, alter or delete topics (like kafka-topics)')
    .option('--list', 'list topic names')
    .option('--describe', 'describe one topic (--topic) or all')
    .option('--create', 'create --topic')
    .option(
      '--alter',
      'add partitions (--partitions) or change configs (--config, --delete-config) of --topic',
    )
    .option('--delete', 'delete --topic and its messages')
    .option('--topic <topic>', 'the topic')
    .option(
      '--partitions <n>',
      'partition count (create: default 1; alter: the new, larger count)',
      parsePositive,
    )
    .option(
      '--config <key=value>',
      'a topic config (repeatable), e.g. retention.ms=86400000',
      collect,
      [],
    )
    .option(
      '--delete-config <key>',
      'reset a config to its default (repeatable, with --alter)',
      collect,
      [],
    )
    .option('--include-internal', 'also list internal topics such as __consumer_offsets')
    .option(
      '--under-replicated-partitions',
      'with --describe: only partitions with fewer replicas in sync than assigned',
    )
    .option('--unavailable-partitions', 'with --describe: only partitions without a leader')
    .option('--data-dir <dir>', DATA_DIR_HELP);
  addRemoteOptions(command).action(async (opts: TopicsOptions, cmd: Command) => {
    const action = oneOf(cmd, opts as unknown as Record<string, unknown>, [
      'list',
      'describe',
      'create',
      'alter',
      'delete',
    ]);
    if ((opts.underReplicatedPartitions || opts.unavailablePartitions) && action !== 'describe')
      cmd.error(
        'error: --under-replicated-partitions and --unavailable-partitions go with --describe',
      );
    if (['create', 'alter', 'delete'].includes(action) && !opts.topic)
      cmd.error(`error: --${action} needs --topic`);
    const configs = parseConfigs(cmd, opts.config);
    if (
      action === 'alter' &&
      !opts.partitions &&
      !opts.config.length &&
      !opts.deleteConfig.length
    ) {
      cmd.error('error: --alter needs --partitions, --config or --delete-config');
    }
    const viaApi = (api: ApiClient) => topicsViaApi(api, action, opts, configs);
    const remote = await remoteClusterOf(opts);
    if (remote) {
      await withRemoteCluster(remote, (c) => topicsOnCluster(c, action, opts, configs));
      return;
    }
    await withLogdock(
      opts,
      // The cluster does not own the broker here: withLogdock closes it.
      (broker) => topicsOnCluster(new LocalCluster(broker), action, opts, configs),
      viaApi,
    );
  });
}

/** The actions on a cluster: the data directory's embedded broker or a remote one. */
async function topicsOnCluster(
  cluster: Cluster,
  action: string,
  opts: TopicsOptions,
  configs: Record<string, string>,
): Promise<void> {
  const topic = opts.topic!;
  switch (action) {
    case 'list':
      for (const t of await cluster.listTopics({ includeInternal: opts.includeInternal }))
        process.stdout.write(`${t.name}\n`);
      return;
    case 'describe': {
      const all = opts.topic
        ? [await cluster.describeTopic(topic)]
        : await cluster.listTopics({ includeInternal: opts.includeInternal });
      for (const t of all.sort((a, b) => a.name.localeCompare(b.name)))
        process.stdout.write(describe(t, filterOf(opts)));
      return;
    }
    case 'create':
      await cluster.createTopic(topic, {
        partitions: opts.partitions ?? 1,
        configs: configs as TopicConfigInput,
      });
      process.stdout.write(`Created topic ${topic}.\n`);
      return;
    case 'alter': {
      if (opts.partitions) await cluster.createPartitions(topic, opts.partitions);
      const changes: Record<string, string | null> = { ...configs };
      for (const k of opts.deleteConfig) changes[k] = null;
      if (Object.keys(changes).length)
        await cluster.alterTopicConfigs(topic, changes as TopicConfigChanges);
      process.stdout.write(`Altered topic ${topic}.\n`);
      return;
    }
    case 'delete':
      await cluster.deleteTopic(topic);
      process.stdout.write(`Deleted topic ${topic}.\n`);
      return;
    default:
      throw new LogdockError('INTERNAL', `unhandled action ${action}`);
  }
}

/** The same actions through a running Logdock's API. */
async function topicsViaApi(
  api: ApiClient,
  action: string,
  opts: TopicsOptions,
  configs: Record<string, string>,
): Promise<void> {
  const topic = opts.topic!;
  const includeInternal = opts.includeInternal ?? false;
  switch (action) {
    case 'list':
      for (const t of (await api.call('topics.list', { includeInternal })).topics) {
        process.stdout.write(`${t.name}\n`);
      }
      return;
    case 'describe': {
      const names = opts.topic
        ? [topic]
        : (await api.call('topics.list', { includeInternal })).topics.map((t) => t.name);
      for (const name of names)
        process.stdout.write(
          describe(await api.call('topics.describe', { topic: name }), filterOf(opts)),
        );
      return;
    }
    case 'create':
      await api.call('topics.create', { name: topic, partitions: opts.partitions ?? 1, configs });
      process.stdout.write(`Created topic ${topic}.\n`);
      return;
    case 'delete':
      await api.call('topics.delete', { name: topic, confirm: topic });
      process.stdout.write(`Deleted topic ${topic}.\n`);
      return;
    case 'alter':
      await api.call('topicSettings.update', {
        topic,
        configs: settingsChanges(configs, opts.deleteConfig),
        partitions: opts.partitions,
      });
      process.stdout.write(`Altered topic ${topic}.\n`);
      return;
    default:
      throw new LogdockError('INTERNAL', `unhandled action ${action}`);
  }
}

/** The topic settings a running Logdock changes, by their Kafka config names. */
const SETTINGS_BY_CONFIG = new Map(
  Object.entries(TOPIC_SETTING_CONFIGS).map(([field, config]) => [config as string, field]),
);

/**
 * --config pairs as a topicSettings.update change (numbers parsed, the API validates
 * ranges). Other configs, and --delete-config, need the data directory to themselves.
 * @throws LogdockError UNSUPPORTED naming the config and what can be changed instead.
 */
function settingsChanges(
  configs: Record<string, string>,
  deleted: string[],
): Record<string, string | number> {
  const known = [...SETTINGS_BY_CONFIG.keys()].join(', ');
  const stop = 'or stop Logdock and run this again';
  if (deleted.length > 0) {
    throw new LogdockError(
      'UNSUPPORTED',
      `--delete-config ${deleted[0]} is not available while Logdock runs on this data directory; set a value instead, ${stop}`,
    );
  }
  const out: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(configs)) {
    const field = SETTINGS_BY_CONFIG.get(name);
    if (field === undefined) {
      throw new LogdockError(
        'UNSUPPORTED',
        `--config ${name} cannot be changed while Logdock runs on this data directory (these can: ${known}); ${stop}`,
      );
    }
    out[field] = field === 'cleanupPolicy' ? value : Number(value);
  }
  return out;
}
