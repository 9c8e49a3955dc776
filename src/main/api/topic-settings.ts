import {
  TOPIC_SETTING_CONFIGS,
  type SegmentView,
  type TopicSettings,
  type TopicSettingsView,
  type topicSettingsRequests,
} from '../../common/api/topic-settings';
import { LogdockError } from '../../common/errors';
import type { Cluster, SegmentInfo, TopicConfigs, TopicDescription } from '../cluster';
import { retentionPlan } from '../metrics/retention';
import type { HandlersFor } from './dispatcher';

export interface TopicSettingsDeps {
  /**
   * The cluster; when its log is local, retention runs at once after a retention change, so
   * a person sees its effect now rather than at the next periodic check.
   */
  cluster: Cluster;
  now?: () => number;
}

/** Handlers of the `topicSettings.*` requests: the Topic settings view. */
export function createTopicSettingsHandlers({
  cluster,
  now = Date.now,
}: TopicSettingsDeps): HandlersFor<typeof topicSettingsRequests> {
  return {
    'topicSettings.get': async ({ topic }) => toView(await cluster.describeTopic(topic)),
    'topicSettings.update': async ({ topic, configs, partitions, validateOnly }) => {
      const current = await cluster.describeTopic(topic);
      const count = current.partitions.length;
      if (partitions !== undefined && partitions < count) {
        throw new LogdockError(
          'INVALID_ARGUMENT',
          `partitions: topic ${topic} has ${count} partitions; the count can only be increased`,
        );
      }
      const changes: Partial<Record<keyof TopicConfigs, number | string>> = {};
      for (const [field, value] of Object.entries(configs)) {
        if (value !== undefined)
          changes[TOPIC_SETTING_CONFIGS[field as keyof TopicSettings]] = value;
      }
      const applied =
        Object.keys(changes).length > 0
          ? await cluster.alterTopicConfigs(topic, changes, { validateOnly })
          : current.configs;
      const grow = partitions !== undefined && partitions > count;
      if (grow && !validateOnly) await cluster.createPartitions(topic, partitions);
      const retentionChanged =
        configs.retentionMs !== undefined ||
        configs.retentionBytes !== undefined ||
        configs.cleanupPolicy !== undefined;
      if (retentionChanged && !validateOnly) await cluster.local?.runMaintenance();
      return { ...toView({ ...current, configs: applied }), partitions: grow ? partitions : count };
    },
    'topicSettings.segments': async ({ topic, partition }) => {
      const { local } = cluster;
      if (!local) {
        throw new LogdockError(
          'UNSUPPORTED',
          `segments of topic ${topic} are known only for the embedded cluster`,
        );
      }
      const description = await cluster.describeTopic(topic);
      const chosen =
        partition === undefined ? description.partitions.map((p) => p.partition) : [partition];
      if (
        partition !== undefined &&
        !description.partitions.some((p) => p.partition === partition)
      ) {
        throw new LogdockError('UNKNOWN_PARTITION', `topic ${topic} has no partition ${partition}`);
      }
      const at = now();
      const lists = await Promise.all(chosen.map((p) => local.segments(topic, p)));
      const compacted = description.configs['cleanup.policy'].includes('compact');
      const cleanerPoints = compacted
        ? await Promise.all(chosen.map((p) => local.cleanerPoint(topic, p)))
        : [];
      const segments: SegmentView[] = chosen.flatMap((p, k) => {
        const plan = retentionPlan(lists[k], description.configs, at);
        return lists[k].map((s, i) => ({
          partition: p,
          ...s,
          deletion: plan[i],
          compaction: compacted ? compactionOf(s, cleanerPoints[k]) : null,
        }));
      });
      return { now: at, segments };
    },
  };
}

function toView(topic: TopicDescription): TopicSettingsView {
  return {
    topic: topic.name,
    partitions: topic.partitions.length,
    retentionMs: topic.configs[TOPIC_SETTING_CONFIGS.retentionMs],
    retentionBytes: topic.configs[TOPIC_SETTING_CONFIGS.retentionBytes],
    cleanupPolicy: topic.configs[TOPIC_SETTING_CONFIGS.cleanupPolicy],
    segmentBytes: topic.configs[TOPIC_SETTING_CONFIGS.segmentBytes],
  };
}

/**
 * Cleaned when compaction has passed the whole segment; the active segment is never
 * cleaned (Kafka's cleaner stops before it), so it stays dirty.
 */
function compactionOf(s: SegmentInfo, cleanerPoint: number): 'cleaned' | 'dirty' {
  return !s.active && s.nextOffset <= cleanerPoint ? 'cleaned' : 'dirty';
}
