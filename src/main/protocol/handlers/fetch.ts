/**
 * Fetch (v0-12). Reads each partition with `broker.read`, which returns stored batches byte
 * for byte; they go into the response by reference (no copy, no re-encoding). When fewer
 * than `minBytes` are available the request waits, without polling, on
 * `broker.waitForData` for any of its partitions until `maxWaitMs` has passed or the
 * connection closes. Versions 0-3 predate RecordBatch v2: their records are down-converted
 * to message format v0 (Fetch v0-1) or v1 (v2-3).
 *
 * From v13 topics are named by id (our ids are derived from names, see util.topicIdFor).
 *
 * Fetch sessions (KIP-227) are not kept: we answer sessionId 0, which tells clients to send
 * full fetch requests, as a broker with sessions disabled does.
 */
import type { Handler, RequestContext } from '../context';
import { KafkaError, kafkaErrorCode } from '../errors';
import { iterateBatches } from '../../storage/record-batch';
import { batchesToLegacy } from '../records/legacy';
import { asArray, findTopic, topicIdFor, topicNameForId, type Struct } from './util';

const MAX_TIMER_MS = 2 ** 31 - 1;

interface PartitionRead {
  topic: string;
  partition: number;
  fetchOffset: number;
  maxBytes: number;
  result: Struct;
  bytes: number;
  /** The read stopped before the log end (size limit): more is there without waiting. */
  more: boolean;
}

async function readPartition(
  ctx: RequestContext,
  topic: string,
  p: Struct,
  budget: number,
): Promise<PartitionRead> {
  const partition = p.partition as number;
  const fetchOffset = p.fetchOffset as number;
  const maxBytes = Math.max(0, Math.min(p.partitionMaxBytes as number, budget));
  const out: PartitionRead = {
    topic,
    partition,
    fetchOffset,
    maxBytes,
    bytes: 0,
    more: false,
    result: {
      partitionIndex: partition,
      errorCode: 0,
      highWatermark: -1,
      lastStableOffset: -1,
      logStartOffset: -1,
      abortedTransactions: ctx.apiVersion >= 4 ? [] : null,
      preferredReadReplica: -1,
      records: null,
    },
  };
  const t = findTopic(ctx, topic);
  if (!t || partition < 0 || partition >= t.partitions.length) {
    out.result.errorCode = KafkaError.UNKNOWN_TOPIC_OR_PARTITION.code;
    return out;
  }
  try {
    const read = await ctx.broker.read(topic, partition, fetchOffset, Math.max(maxBytes, 1));
    let records = read.records;
    out.more = records.length > 0 && nextOffsetAfter(records) < read.highWatermark;
    if (ctx.apiVersion <= 3 && records.length > 0) {
      records = batchesToLegacy(records, ctx.apiVersion <= 1 ? 0 : 1, fetchOffset);
    }
    out.result.highWatermark = read.highWatermark;
    out.result.lastStableOffset = read.highWatermark;
    out.result.logStartOffset = read.logStartOffset;
    out.result.records = records;
    out.bytes = records.length;
  } catch (err) {
    out.result.errorCode = kafkaErrorCode(err);
    const desc = t.partitions[partition];
    out.result.highWatermark = desc.logEndOffset;
    out.result.lastStableOffset = desc.logEndOffset;
    out.result.logStartOffset = desc.logStartOffset;
  }
  return out;
}

/** The offset after the last batch in `records` (stored RecordBatch v2 bytes). */
function nextOffsetAfter(records: Buffer): number {
  let next = -1;
  for (const { header } of iterateBatches(records))
    next = header.baseOffset + header.lastOffsetDelta + 1;
  return next;
}

async function readAll(ctx: RequestContext, req: Struct): Promise<PartitionRead[]> {
  // Kafka's response-wide maxBytes (v3+); older versions have only per-partition limits.
  let budget = ctx.apiVersion >= 3 ? (req.maxBytes as number) : Number.MAX_SAFE_INTEGER;
  const reads: PartitionRead[] = [];
  for (const t of asArray(req.topics)) {
    const name =
      ctx.apiVersion >= 13 ? (topicNameForId(ctx, t.topicId as Buffer) ?? '') : (t.topic as string);
    for (const p of asArray(t.partitions)) {
      const r = await readPartition(ctx, name, p, Math.max(budget, 1));
      if (name === '') r.result.errorCode = KafkaError.UNKNOWN_TOPIC_ID.code;
      budget -= r.bytes;
      reads.push(r);
    }
  }
  return reads;
}

/** Waits until one partition gets data past its fetch offset, the deadline, or a close. */
async function waitForAny(
  ctx: RequestContext,
  reads: PartitionRead[],
  timeoutMs: number,
): Promise<void> {
  const controller = new AbortController();
  const onClose = () => controller.abort();
  ctx.connection.closed.addEventListener('abort', onClose);
  try {
    const waits = reads
      .filter((r) => r.result.errorCode === 0)
      .map((r) => {
        // Wait for appends beyond what was just read: waiting on the fetch offset alone would
        // return at once (and spin) while data exists but is still below minBytes.
        const after = Math.max(r.fetchOffset, r.result.highWatermark as number);
        return ctx.broker
          .waitForData(r.topic, r.partition, after, timeoutMs, controller.signal)
          .catch(() => false);
      });
    if (waits.length === 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        controller.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      return;
    }
    await Promise.race(waits);
  } finally {
    controller.abort();
    ctx.connection.closed.removeEventListener('abort', onClose);
  }
}

export const fetch: Handler = async (ctx, req) => {
  // Node timers fire at once beyond 2^31-1 ms, which would turn a long wait into a busy loop.
  const deadline = Date.now() + Math.min(Math.max(0, req.maxWaitMs as number), MAX_TIMER_MS);
  const minBytes = Math.max(0, req.minBytes as number);
  let reads = await readAll(ctx, req);
  while (true) {
    const total = reads.reduce((n, r) => n + r.bytes, 0);
    const failed = reads.some((r) => r.result.errorCode !== 0);
    const left = deadline - Date.now();
    const more = reads.some((r) => r.more);
    if (total >= minBytes || more || failed || left <= 0 || ctx.connection.closed.aborted) break;
    await waitForAny(ctx, reads, left);
    reads = await readAll(ctx, req);
    if (Date.now() >= deadline) break;
  }
  const byTopic = new Map<string, Struct[]>();
  for (const r of reads) {
    const list = byTopic.get(r.topic) ?? [];
    list.push(r.result);
    byTopic.set(r.topic, list);
  }
  return {
    throttleTimeMs: 0,
    errorCode: 0,
    sessionId: 0,
    responses: [...byTopic].map(([topic, partitions]) => ({
      topic,
      topicId: topicIdFor(topic),
      partitions,
    })),
  };
};
