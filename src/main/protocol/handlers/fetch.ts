/**
 * Fetch (v0-12). Reads each partition with `broker.read`, which returns stored batches byte
 * for byte; they go into the response by reference (no copy, no re-encoding). When fewer
 * than `minBytes` are available the request waits, without polling, with one
 * `broker.onAppend` listener (and one topic listener, timer and abort listener) for all of
 * its partitions until `maxWaitMs` has passed or the connection closes. Versions 0-3 predate RecordBatch v2: their records are down-converted
 * to message format v0 (Fetch v0-1) or v1 (v2-3).
 *
 * From v13 topics are named by id (the random ids of topics.json, see util.topicIdFor).
 *
 * Fetch sessions (KIP-227) are not kept: we answer sessionId 0, which tells clients to send
 * full fetch requests, as a broker with sessions disabled does.
 *
 * Size limits, as Kafka's `ReplicaManager.readFromLog`: each partition gets at most
 * `partitionMaxBytes` and the whole response at most `maxBytes` (v3+), except that the first
 * partition with data returns its first batch whole even when it is larger, so that a
 * consumer always progresses. A partition whose error is set still carries an empty record
 * set, never a null one: librdkafka reads null as "invalid MessageSetSize -1", drops the whole
 * response and never sees the error (so it never resets an out-of-range offset).
 */
import type { Handler, RequestContext } from '../context';
import { KafkaError, kafkaErrorCode } from '../errors';
import { iterateBatches } from '../../storage/record-batch';
import { batchesToLegacy } from '../records/legacy';
import type * as T from '../generated/types';
import { findTopic, topicIdFor, topicNameForId } from './util';

const MAX_TIMER_MS = 2 ** 31 - 1;
/** Reads of at least this many bytes go into a borrowed, reused buffer. */
const BORROW_FROM_BYTES = 64 * 1024;
/**
 * What a read takes beyond the limit: it starts at the index entry before the fetch
 * offset (index.interval.bytes, 4 KiB, earlier at most), and a little more spares a second
 * read for a last batch that straddles the limit.
 */
const READ_SLACK_BYTES = 64 * 1024;
const EMPTY = Buffer.alloc(0);

/** A partition's answer; every field set (the generated response type has them optional). */
type PartitionResult = Required<
  Pick<
    T.FetchResponsePartitionData,
    | 'partitionIndex'
    | 'errorCode'
    | 'highWatermark'
    | 'lastStableOffset'
    | 'logStartOffset'
    | 'abortedTransactions'
    | 'preferredReadReplica'
  >
> & { records: Buffer };

interface PartitionRead {
  topic: string;
  partition: number;
  fetchOffset: number;
  maxBytes: number;
  result: PartitionResult;
  bytes: number;
  /** The read stopped before the log end (size limit): more is there without waiting. */
  more: boolean;
}

async function readPartition(
  ctx: RequestContext,
  topic: string,
  p: T.FetchRequestFetchPartition,
  budget: number,
  minOneBatch: boolean,
): Promise<PartitionRead> {
  const partition = p.partition;
  const fetchOffset = p.fetchOffset;
  const maxBytes = Math.max(0, Math.min(p.partitionMaxBytes, budget));
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
      records: EMPTY,
    },
  };
  // A partition recovering after a crash knows its end only once done: answer after it.
  await ctx.broker.whenRecovered(topic, partition);
  const t = findTopic(ctx, topic);
  if (!t || partition < 0 || partition >= t.partitions.length) {
    out.result.errorCode = KafkaError.UNKNOWN_TOPIC_OR_PARTITION.code;
    return out;
  }
  const desc = t.partitions[partition];
  const inRange = fetchOffset >= desc.logStartOffset && fetchOffset <= desc.logEndOffset;
  if (!minOneBatch && maxBytes === 0 && inRange) {
    // The response is full: report the partition's offsets without reading from it.
    setOffsets(out.result, desc);
    out.more = fetchOffset < desc.logEndOffset;
    return out;
  }
  try {
    const limit = Math.max(maxBytes, 1);
    // Data to send: read it into a buffer the connection reuses once the response is
    // written (a fresh one per fetch costs more to fault in than the read itself).
    const into =
      fetchOffset < desc.logEndOffset && limit >= BORROW_FROM_BYTES
        ? ctx.borrow(limit + READ_SLACK_BYTES).subarray(0, limit + READ_SLACK_BYTES)
        : undefined;
    const read = await ctx.broker.read(topic, partition, fetchOffset, limit, into);
    // The log always returns at least one batch; past the first partition with data that
    // batch must fit the limits, or the partition answers nothing this time.
    const overLimit = !minOneBatch && read.records.length > maxBytes;
    let records = overLimit ? EMPTY : read.records;
    out.more = overLimit || (records.length > 0 && nextOffsetAfter(records) < read.highWatermark);
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
    setOffsets(out.result, desc);
  }
  return out;
}

function setOffsets(
  result: PartitionResult,
  desc: { logStartOffset: number; logEndOffset: number },
): void {
  result.highWatermark = desc.logEndOffset;
  result.lastStableOffset = desc.logEndOffset;
  result.logStartOffset = desc.logStartOffset;
}

/** The offset after the last batch in `records` (stored RecordBatch v2 bytes). */
function nextOffsetAfter(records: Buffer): number {
  let next = -1;
  for (const { header } of iterateBatches(records))
    next = header.baseOffset + header.lastOffsetDelta + 1;
  return next;
}

async function readAll(ctx: RequestContext, req: T.FetchRequest): Promise<PartitionRead[]> {
  // Kafka's response-wide maxBytes (v3+); older versions have only per-partition limits.
  let budget = ctx.apiVersion >= 3 ? req.maxBytes : Number.MAX_SAFE_INTEGER;
  const reads: PartitionRead[] = [];
  for (const t of req.topics) {
    const name = ctx.apiVersion >= 13 ? (topicNameForId(ctx, t.topicId) ?? '') : t.topic;
    for (const p of t.partitions) {
      const minOneBatch = reads.every((r) => r.bytes === 0);
      const r = await readPartition(ctx, name, p, Math.max(budget, 0), minOneBatch);
      if (name === '') r.result.errorCode = KafkaError.UNKNOWN_TOPIC_ID.code;
      budget -= r.bytes;
      reads.push(r);
    }
  }
  return reads;
}

/**
 * Waits until one partition gets data past what was just read, the deadline, a topic change
 * (a deleted topic must not keep its fetches parked) or a close. One append listener, one
 * topic listener, one timer and one abort listener per waiting fetch, however many
 * partitions it names: a listener per partition on one AbortSignal made Node warn of a leak
 * beyond ten.
 */
function waitForAny(ctx: RequestContext, reads: PartitionRead[], timeoutMs: number): Promise<void> {
  // Wait for appends beyond what was just read: waiting on the fetch offset alone would
  // return at once (and spin) while data exists but is still below minBytes.
  const after = new Map<string, number>();
  for (const r of reads) {
    if (r.result.errorCode !== 0) continue;
    after.set(`${r.partition}:${r.topic}`, Math.max(r.fetchOffset, r.result.highWatermark));
  }
  const closed = ctx.connection.closed;
  return new Promise<void>((resolve) => {
    if (closed.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      offAppend();
      offTopics();
      closed.removeEventListener('abort', done);
      resolve();
    };
    const offAppend = ctx.broker.onAppend((e) => {
      const from = after.get(`${e.partition}:${e.topic}`);
      if (from !== undefined && e.lastOffset >= from) done();
    });
    const offTopics = ctx.broker.onTopicsChanged(done);
    const timer = setTimeout(done, timeoutMs);
    closed.addEventListener('abort', done);
  });
}

export const fetch: Handler<T.FetchRequest, T.FetchResponse> = async (ctx, req) => {
  // Node timers fire at once beyond 2^31-1 ms, which would turn a long wait into a busy loop.
  const deadline = Date.now() + Math.min(Math.max(0, req.maxWaitMs), MAX_TIMER_MS);
  const minBytes = Math.max(0, req.minBytes);
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
  const byTopic = new Map<string, PartitionResult[]>();
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
      topicId: topicIdFor(ctx, topic),
      partitions,
    })),
  };
};
