import type { Connection } from '@platformatic/kafka';
import { LogdockError } from '../../common/errors';
import type { Struct } from '../protocol/codec/compile';
import { apiByName } from '../protocol/codec/messages';
import { LOG_OVERHEAD } from '../storage/record-batch';
import { sendRaw } from './raw-request';

/**
 * Fetch v12 (the oldest version @platformatic/kafka's brokers all speak, and the last that
 * names topics instead of ids), sent over one of the client's authenticated connections with
 * Logdock's own codec, so the RecordBatch bytes come back as they are: the browser then
 * decodes only the rows it shows (src/main/storage/partial-decode.ts), as on the local path.
 * The client's own Fetch would decompress and decode every record of every batch first.
 */
const FETCH = apiByName('Fetch');
const FETCH_VERSION = 12;
/**
 * Room an answer into a caller's buffer leaves beyond the records: the response's own fields
 * (header, topic name, partition fields; well under 1 KiB for one partition).
 */
const ANSWER_OVERHEAD = 4096;

export interface RawFetchResult {
  /** Kafka error code of the partition (0 = none). */
  errorCode: number;
  highWatermark: number;
  logStartOffset: number;
  /**
   * Whole batches only: a batch cut short by `maxBytes` is dropped, as Kafka clients do.
   * A view of the caller's `into` when the answer fitted there.
   */
  records: Buffer;
}

export function fetchRaw(
  connection: Connection,
  topic: string,
  partition: number,
  offset: number,
  maxBytes: number,
  maxWaitMs = 0,
  into?: Buffer,
): Promise<RawFetchResult> {
  // Records up to what leaves the answer room in `into`, so that it fits (see sendRaw).
  if (into)
    maxBytes = Math.max(1, Math.min(maxBytes, into.length - ANSWER_OVERHEAD - topic.length * 3));
  const body: Struct = {
    replicaId: -1,
    maxWaitMs,
    minBytes: maxWaitMs > 0 ? 1 : 0,
    maxBytes,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        topic,
        partitions: [
          {
            partition,
            currentLeaderEpoch: -1,
            fetchOffset: offset,
            lastFetchedEpoch: -1,
            logStartOffset: -1,
            partitionMaxBytes: maxBytes,
          },
        ],
      },
    ],
    forgottenTopicsData: [],
    rackId: '',
  };
  return sendRaw(
    connection,
    FETCH,
    FETCH_VERSION,
    body,
    (response) => interpret(response, topic, partition),
    256,
    into,
  );
}

function interpret(response: Struct, topic: string, partition: number): RawFetchResult {
  const topics = response.responses as { topic: string; partitions: Struct[] }[];
  const found = topics
    .find((t) => t.topic === topic)
    ?.partitions.find((p) => p.partitionIndex === partition);
  if (!found) {
    throw new LogdockError('INTERNAL', `Fetch answered without ${topic}-${partition}`);
  }
  const records = (found.records as Buffer | null) ?? Buffer.alloc(0);
  return {
    errorCode: found.errorCode as number,
    highWatermark: found.highWatermark as number,
    logStartOffset: found.logStartOffset as number,
    records: records.subarray(0, wholeBatchesLength(records)),
  };
}

/** Bytes of the leading whole batches (each is `baseOffset int64, length int32, ...`). */
export function wholeBatchesLength(records: Buffer): number {
  let end = 0;
  while (end + LOG_OVERHEAD <= records.length) {
    const next = end + LOG_OVERHEAD + records.readInt32BE(end + 8);
    if (next > records.length || next <= end) break;
    end = next;
  }
  return end;
}
