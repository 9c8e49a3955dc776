import {
  TOPIC_SETTING_CONFIGS,
  type SegmentView,
  type TopicSettings,
  type TopicSettingsView,
  type topicSettingsRequests,
} from '../../common/api/topic-settings';
import { LogdockError } from '../../common/errors';
import type { BrokerApi, TopicConfigs, TopicDescription } from '../broker/api';
import { retentionPlan } from '../metrics/retention';
import type { HandlersFor } from './dispatcher';

export interface TopicSettingsDeps {
  /**
   * The broker; `runMaintenance`, when it has one, runs retention at once after a retention
   * change, so a person sees its effect now rather than at the next periodic check.
   */
  broker: BrokerApi & { runMaintenance?: () => Promise<void> };
  now?: () => number;
}

/** Handlers of the `topicSettings.*` requests: the Topic settings view. */
export function createTopicSettingsHandlers({
  broker,
  now = Date.now,
}: TopicSettingsDeps): HandlersFor<typeof topicSettingsRequests> {
  return {
    'topicSettings.get': ({ topic }) => toView(broker.describeTopic(topic)),
    'topicSettings.update': async ({ topic, configs, partitions, validateOnly }) => {
      const current = broker.describeTopic(topic);
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
          ? await broker.alterTopicConfigs(topic, changes, { validateOnly })
          : current.configs;
      const grow = partitions !== undefined && partitions > count;
      if (grow && !validateOnly) await broker.createPartitions(topic, partitions);
      const retentionChanged =
        configs.retentionMs !== undefined ||
        configs.retentionBytes !== undefined ||
        configs.cleanupPolicy !== undefined;
      if (retentionChanged && !validateOnly) await broker.runMaintenance?.();
      return { ...toView({ ...current, configs: applied }), partitions: grow ? partitions : count };
    },
    'topicSettings.segments': ({ topic, partition }) => {
      const description = broker.describeTopic(topic);
      const chosen =
        partition === undefined ? description.partitions.map((p) => p.partition) : [partition];
      if (
        partition !== undefined &&
        !description.partitions.some((p) => p.partition === partition)
      ) {
        throw new LogdockError('UNKNOWN_PARTITION', `topic ${topic} has no partition ${partition}`);
      }
      const at = now();
      const segments: SegmentView[] = chosen.flatMap((p) => {
        const list = broker.segments(topic, p);
        const plan = retentionPlan(list, description.configs, at);
        return list.map((s, i) => ({ partition: p, ...s, deletion: plan[i] }));
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
