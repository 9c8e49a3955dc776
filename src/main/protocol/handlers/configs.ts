/**
 * DescribeConfigs, AlterConfigs and IncrementalAlterConfigs for topics (resource type 2).
 * The broker resource (type 4) is described with no entries and cannot be altered: the
 * broker's own settings live in Logdock's settings, not in Kafka configs.
 */
import { LogdockError } from '../../../common/errors';
import type { TopicConfigs } from '../../broker/api';
import { TOPIC_CONFIG_KEYS } from '../../kafka/topic-configs';
import type { Handler, RequestContext } from '../context';
import { KafkaError } from '../errors';
import type * as T from '../generated/types';
import { errorFields } from './util';

const TOPIC = 2;
const BROKER = 4;
const SOURCE_DYNAMIC_TOPIC = 1;
const SOURCE_DEFAULT = 5;
const TYPE_STRING = 2;
const TYPE_INT = 3;
const TYPE_LONG = 5;
const TYPE_LIST = 7;

/** Kafka's defaults, to tell a default value from an override in DescribeConfigs. */
const KAFKA_DEFAULTS: Record<keyof TopicConfigs, string> = {
  'retention.ms': '604800000',
  'retention.bytes': '-1',
  'segment.bytes': '1073741824',
  'segment.ms': '604800000',
  'cleanup.policy': 'delete',
  'delete.retention.ms': '86400000',
  'max.message.bytes': '1048588',
  'message.timestamp.type': 'CreateTime',
  'compression.type': 'producer',
};

const TYPES: Record<keyof TopicConfigs, number> = {
  'retention.ms': TYPE_LONG,
  'retention.bytes': TYPE_LONG,
  'segment.bytes': TYPE_INT,
  'segment.ms': TYPE_LONG,
  'cleanup.policy': TYPE_LIST,
  'delete.retention.ms': TYPE_LONG,
  'max.message.bytes': TYPE_INT,
  'message.timestamp.type': TYPE_STRING,
  'compression.type': TYPE_STRING,
};

/** Config entries in the shape of DescribeConfigs results and CreateTopics' `configs`. */
export function configEntries(
  configs: TopicConfigs,
  only?: Set<string>,
): T.DescribeConfigsResponseDescribeConfigsResourceResult[] {
  return TOPIC_CONFIG_KEYS.filter((k) => !only || only.has(k)).map((name) => {
    const value = String(configs[name]);
    const isDefault = value === KAFKA_DEFAULTS[name];
    return {
      name,
      value,
      readOnly: false,
      isDefault,
      configSource: isDefault ? SOURCE_DEFAULT : SOURCE_DYNAMIC_TOPIC,
      isSensitive: false,
      synonyms: [],
      configType: TYPES[name],
      documentation: null,
    };
  });
}

export const describeConfigs: Handler<T.DescribeConfigsRequest, T.DescribeConfigsResponse> = (
  ctx,
  req,
) => ({
  throttleTimeMs: 0,
  results: req.resources.map((r) => {
    const base = {
      resourceType: r.resourceType,
      resourceName: r.resourceName,
      errorCode: 0,
      errorMessage: null,
      configs: [],
    };
    if (r.resourceType === BROKER) return base;
    if (r.resourceType !== TOPIC) {
      return {
        ...base,
        errorCode: KafkaError.INVALID_REQUEST.code,
        errorMessage: `unsupported resource type ${r.resourceType}`,
      };
    }
    try {
      const desc = ctx.broker.describeTopic(r.resourceName);
      const keys = r.configurationKeys;
      return {
        ...base,
        configs: configEntries(desc.configs, keys && keys.length > 0 ? new Set(keys) : undefined),
      };
    } catch (err) {
      return { ...base, ...errorFields(err) };
    }
  }),
});

/**
 * What one resource's alteration sets (a string) or resets to the default (null), by the
 * names the client sent: the broker refuses unknown names with INVALID_CONFIG.
 */
type ConfigChanges = Record<string, string | null>;

/** The resource of either alter request: what alterResource reads of it. */
type AlterResource = { resourceType: number; resourceName: string };
type AlterResponse = T.AlterConfigsResponseAlterConfigsResourceResponse;

async function alterResource(
  ctx: RequestContext,
  r: AlterResource,
  changes: () => ConfigChanges,
  validateOnly: boolean,
): Promise<AlterResponse> {
  const base: AlterResponse = {
    resourceType: r.resourceType,
    resourceName: r.resourceName,
    errorCode: 0,
    errorMessage: null,
  };
  try {
    if (r.resourceType !== TOPIC) {
      throw new LogdockError(
        'INVALID_CONFIG',
        `resource type ${r.resourceType} cannot be altered (only topics)`,
      );
    }
    await ctx.broker.alterTopicConfigs(r.resourceName, changes(), { validateOnly });
    return base;
  } catch (err) {
    return { ...base, ...errorFields(err) };
  }
}

/**
 * AlterConfigs and IncrementalAlterConfigs answer the same way, resource by resource; they
 * differ only in how a resource's config entries turn into changes (`changesOf`, called
 * inside alterResource so that its errors become that resource's error code).
 */
function alterHandler<R extends AlterResource>(
  changesOf: (r: R) => ConfigChanges,
): Handler<{ resources: R[]; validateOnly: boolean }, T.AlterConfigsResponse> {
  return async (ctx, req) => ({
    throttleTimeMs: 0,
    responses: await Promise.all(
      req.resources.map((r) =>
        alterResource(ctx, r, () => changesOf(r), req.validateOnly === true),
      ),
    ),
  });
}

/** AlterConfigs replaces the whole set: keys not given go back to their defaults. */
export const alterConfigs = alterHandler((r: T.AlterConfigsRequestAlterConfigsResource) => {
  const out: ConfigChanges = {};
  for (const k of TOPIC_CONFIG_KEYS) out[k] = null;
  for (const c of r.configs) out[c.name] = c.value;
  return out;
});

const OP_SET = 0;
const OP_DELETE = 1;

export const incrementalAlterConfigs = alterHandler(
  (r: T.IncrementalAlterConfigsRequestAlterConfigsResource) => {
    const out: ConfigChanges = {};
    for (const c of r.configs) {
      const op = c.configOperation;
      if (op === OP_SET) out[c.name] = c.value;
      else if (op === OP_DELETE) out[c.name] = null;
      else
        throw new LogdockError(
          'INVALID_CONFIG',
          `config ${c.name}: operation ${op} (APPEND/SUBTRACT) is not supported`,
        );
    }
    return out;
  },
);
