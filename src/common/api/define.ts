import type { z } from 'zod';

/**
 * Building blocks of the API contract. A request is a dotted name (`topics.list`) with a
 * zod schema for its parameters and one for its result; a subscription is a dotted name
 * with a schema for its parameters and one for each event it emits. Domain files
 * (`topics.ts`, `messages.ts`, ...) declare theirs with these helpers and `contract.ts`
 * joins them. Keep the contract in terms of topics, partitions, offsets and groups, never
 * of the engine's internals: the same UI will later talk to remote Kafka clusters.
 */
export interface RequestDef<P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  readonly kind: 'request';
  readonly params: P;
  readonly result: R;
  readonly doc: string;
}

export interface SubscriptionDef<P extends z.ZodType = z.ZodType, E extends z.ZodType = z.ZodType> {
  readonly kind: 'subscription';
  readonly params: P;
  readonly event: E;
  readonly doc: string;
}

export function request<P extends z.ZodType, R extends z.ZodType>(
  doc: string,
  params: P,
  result: R,
): RequestDef<P, R> {
  return { kind: 'request', params, result, doc };
}

export function subscription<P extends z.ZodType, E extends z.ZodType>(
  doc: string,
  params: P,
  event: E,
): SubscriptionDef<P, E> {
  return { kind: 'subscription', params, event, doc };
}
