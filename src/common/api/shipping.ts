import { z } from 'zod';
import { request } from './define';
import { topicNameSchema } from './topics';
import { shipConfigSchema } from '../shipping/config';

// Requests of the shipping domain (docs/clusters.md, Shipping): local topics forwarded to
// topics of remote clusters. See define.ts for the conventions.

export const shipPartitionSchema = z.object({
  partition: z.number().int(),
  /** -1 until the forwarder has reached the remote cluster once. */
  remotePartition: z.number().int(),
  /** The next local offset to forward: everything before it is on the remote topic. */
  forwardedOffset: z.number(),
  logStartOffset: z.number(),
  logEndOffset: z.number(),
  /** Records in the local log not yet forwarded. */
  backlog: z.number(),
});

export const shipStatusSchema = z.object({
  config: shipConfigSchema,
  /** The saved cluster's name, or the bootstrap servers of a kafka:// target. */
  cluster: z.string(),
  remoteTopic: z.string(),
  state: z.enum(['starting', 'running', 'retrying', 'stopped']),
  partitions: z.array(shipPartitionSchema),
  backlog: z.number(),
  /** Records forwarded since this Logdock started. */
  forwarded: z.number(),
  linesPerSecond: z.number(),
  /** Records local retention deleted before they were forwarded (should stay 0). */
  lostRecords: z.number(),
  lastError: z.string().nullable(),
  lastErrorAt: z.number().nullable(),
  /** Set when local retention is close to deleting records not yet forwarded. */
  retentionWarning: z.string().nullable(),
});

export const shippingRequests = {
  'shipping.list': request(
    'Every ship (local topic forwarded to a remote topic) with its live status.',
    z.object({}).strict(),
    z.array(shipStatusSchema),
  ),
  'shipping.add': request(
    'Starts forwarding a local topic and saves it: ALREADY_EXISTS when the topic is shipped already, NOT_FOUND for an unknown cluster, FORBIDDEN for a read-only one.',
    z.object({ config: shipConfigSchema }).strict(),
    shipStatusSchema,
  ),
  'shipping.remove': request(
    'Stops forwarding a local topic (what was forwarded stays on the remote topic); NOT_FOUND when it is not shipped.',
    z.object({ topic: topicNameSchema }).strict(),
    z.object({}),
  ),
};
