/** Small helpers shared by the API handlers. */
import { createHash } from 'node:crypto';
import { LogdockError } from '../../../common/errors';
import type { TopicDescription } from '../../broker/api';
import type { Struct } from '../codec/compile';
import type { RequestContext } from '../context';
import { kafkaErrorCode } from '../errors';

export type { Struct };

/**
 * A stable 16-byte id per topic name. The broker keys topics by name; clients of Metadata
 * v10+ expect an id, and the zero uuid means "none", so we derive one from the name.
 */
export function topicIdFor(name: string): Buffer {
  return createHash('md5').update(`logdock-topic:${name}`).digest();
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

export function asArray<T = Struct>(v: unknown): T[] {
  return Array.isArray(v) ? (v as T[]) : [];
}

export function unknownTopic(name: string): LogdockError {
  return new LogdockError('UNKNOWN_TOPIC', `unknown topic ${name}`);
}

/** The topic whose derived id is `id` (see topicIdFor), or null. */
export function topicNameForId(ctx: RequestContext, id: Buffer): string | null {
  return (
    ctx.broker.listTopics({ includeInternal: true }).find((t) => topicIdFor(t.name).equals(id))
      ?.name ?? null
  );
}
