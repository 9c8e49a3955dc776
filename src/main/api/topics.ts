import type {
  TopicDetail,
  TopicSummary,
  topicsRequests,
  topicsSubscriptions,
} from '../../common/api/topics';
import { LogdockError } from '../../common/errors';
import type { Cluster, TopicDescription } from '../cluster';
import type { HandlersFor, SubscriptionHandlersFor } from './dispatcher';
import { throttled } from './throttle';

export interface TopicsDeps {
  cluster: Cluster;
  /** Message-rate history per topic (the metrics sampler), for sparklines; optional. */
  rateHistory?: () => { topic: string; points: { value: number }[] }[];
}

/** Handlers of the `topics.*` requests: the topics view. */
export function createTopicsHandlers(deps: TopicsDeps): HandlersFor<typeof topicsRequests> {
  const { cluster } = deps;
  return {
    'topics.list': async ({ includeInternal, filter }) => ({
      topics: await listSummaries(deps, includeInternal, filter),
    }),
    'topics.describe': async ({ topic }) =>
      detail(await cluster.describeTopic(topic), historyOf(deps), cluster.local !== undefined),
    'topics.create': async ({ name, partitions, configs }) =>
      detail(
        await cluster.createTopic(name, { partitions, configs: configs as never }),
        historyOf(deps),
        cluster.local !== undefined,
      ),
    'topics.delete': async ({ name, confirm }) => {
      if (confirm !== name) {
        throw new LogdockError(
          'INVALID_ARGUMENT',
          `topics.delete: confirm must repeat the topic name ${JSON.stringify(name)}`,
        );
      }
      await cluster.deleteTopic(name);
      return { deleted: name };
    },
  };
}

const CHANGE_THROTTLE_MS = 1000;
const IDLE_REFRESH_MS = 5000;

/**
 * `topics.changed`: the list at start, then again at most once a second after a topic is
 * created, deleted or appended to, and every few seconds anyway so that rates decay.
 */
export function createTopicsSubscriptions(
  deps: TopicsDeps,
): SubscriptionHandlersFor<typeof topicsSubscriptions> {
  return {
    'topics.changed': ({ includeInternal }, emit) => {
      const { schedule, cancel } = throttled(() => {
        listSummaries(deps, includeInternal, '').then(
          (topics) => emit({ topics }),
          () => {}, // the cluster is closing: the next change (if any) sends again
        );
      }, CHANGE_THROTTLE_MS);
      const offTopics = deps.cluster.onTopicsChanged(schedule);
      const offAppend = deps.cluster.onAppend(schedule);
      const idle = setInterval(schedule, IDLE_REFRESH_MS);
      idle.unref();
      setImmediate(schedule);
      return () => {
        offTopics();
        offAppend();
        clearInterval(idle);
        cancel();
      };
    },
  };
}

function historyOf(deps: TopicsDeps): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const { topic, points } of deps.rateHistory?.() ?? [])
    out.set(
      topic,
      points.map((p) => p.value),
    );
  return out;
}

/** How many of the newest samples make "the last minute" of a rate (5 s apart by default). */
const RATE_SAMPLES = 12;

/**
 * Messages per second: the broker's own figure for the embedded one; a remote cluster says
 * none, so the mean of the last minute of the rates sampled from its end offsets.
 */
function rateOf(t: TopicDescription, history: number[] | undefined, local: boolean): number {
  if (local || !history || history.length === 0) return t.messageRate;
  const recent = history.slice(-RATE_SAMPLES);
  return recent.reduce((a, b) => a + b, 0) / recent.length;
}

async function listSummaries(
  deps: TopicsDeps,
  includeInternal: boolean,
  filter: string,
): Promise<TopicSummary[]> {
  const history = historyOf(deps);
  const needle = filter.toLowerCase();
  return (await deps.cluster.listTopics({ includeInternal }))
    .filter((t) => needle === '' || t.name.toLowerCase().includes(needle))
    .map((t) => summary(t, history, deps.cluster.local !== undefined))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function summary(
  t: TopicDescription,
  history: Map<string, number[]>,
  local: boolean,
): TopicSummary {
  let messageCount = 0;
  let sizeBytes = 0;
  let lastTimestamp: number | null = null;
  for (const p of t.partitions) {
    messageCount += p.logEndOffset - p.logStartOffset;
    // One partition of unknown size makes the topic's size unknown (-1, not available).
    sizeBytes = sizeBytes < 0 || p.sizeBytes < 0 ? -1 : sizeBytes + p.sizeBytes;
    if (p.lastTimestamp !== null && (lastTimestamp === null || p.lastTimestamp > lastTimestamp)) {
      lastTimestamp = p.lastTimestamp;
    }
  }
  return {
    name: t.name,
    internal: t.internal,
    partitionCount: t.partitions.length,
    underReplicatedPartitions: t.partitions.filter(isUnderReplicated).length,
    offlinePartitions: t.partitions.filter(isOffline).length,
    messageCount,
    sizeBytes,
    retentionMs: t.configs['retention.ms'],
    retentionBytes: t.configs['retention.bytes'],
    messageRate: rateOf(t, history.get(t.name), local),
    rateHistory: history.get(t.name) ?? [],
    lastTimestamp,
  };
}

/** Kafka's UnderReplicatedPartitions: fewer replicas in sync than assigned. */
function isUnderReplicated(p: { replicas: readonly number[]; isr: readonly number[] }): boolean {
  return p.isr.length < p.replicas.length;
}

/** Kafka's OfflinePartitionsCount: no leader to read from or write to. */
function isOffline(p: { leader: number }): boolean {
  return p.leader < 0;
}

function detail(t: TopicDescription, history: Map<string, number[]>, local: boolean): TopicDetail {
  return {
    ...summary(t, history, local),
    partitions: t.partitions.map((p) => ({
      partition: p.partition,
      logStartOffset: p.logStartOffset,
      logEndOffset: p.logEndOffset,
      sizeBytes: p.sizeBytes,
      lastTimestamp: p.lastTimestamp,
      messageCount: p.logEndOffset - p.logStartOffset,
      leader: p.leader,
      replicas: [...p.replicas],
      isr: [...p.isr],
      underReplicated: isUnderReplicated(p),
      offline: isOffline(p),
    })),
    configs: { ...t.configs },
  };
}
