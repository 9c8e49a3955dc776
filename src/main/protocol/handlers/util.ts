/** Small helpers shared by the API handlers. */
import { LogdockError } from '../../../common/errors';
import type { TopicDescription } from '../../broker/api';
import type { Struct } from '../codec/compile';
import type { RequestContext } from '../context';
import { kafkaErrorCode } from '../errors';

export type { Struct };

const ZERO_UUID = Buffer.alloc(16);

/**
 * The topic's 16-byte id for Metadata v10+, Fetch v13+ and DeleteTopics v6+: the random
 * UUID the broker keeps in topics.json, so a topic created again under the same name gets a
 * new id and clients that cache ids do not take it for the old one. The zero UUID ("none")
 * when the topic does not exist.
 */
export function topicIdFor(ctx: RequestContext, name: string): Buffer {
  const id = ctx.broker.topicId(name);
  return id === null ? ZERO_UUID : uuidBytes(id);
}

function uuidBytes(uuid: string): Buffer {
  return Buffer.from(uuid.replace(/-/g, ''), 'hex');
}

/** The topic's description, or null when it does not exist. Throws nothing. */
export function findTopic(ctx: RequestContext, name: string): TopicDescription | null {
  try {
    return ctx.broker.describeTopic(name);
  } catch {
    return null;
  }
}

/** Error code and message for a failure, as Kafka's per-item `ErrorCode`/`ErrorMessage`. */
export function errorFields(err: unknown): { errorCode: number; errorMessage: string | null } {
  return {
    errorCode: kafkaErrorCode(err),
    errorMessage: err instanceof Error ? err.message : String(err),
  };
}

export function unknownTopic(name: string): LogdockError {
  return new LogdockError('UNKNOWN_TOPIC', `unknown topic ${name}`);
}

/** The topic whose id is `id` (see topicIdFor), or null. */
export function topicNameForId(ctx: RequestContext, id: Buffer): string | null {
  if (id.equals(ZERO_UUID)) return null;
  return (
    ctx.broker
      .listTopics({ includeInternal: true })
      .find((t) => uuidBytes(ctx.broker.topicId(t.name) ?? '').equals(id))?.name ?? null
  );
}
