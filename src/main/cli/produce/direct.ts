/**
 * `logdock produce` into a data directory no Logdock serves: stdin read in large chunks,
 * the lines of each chunk found on the bytes and encoded straight into record batches (see
 * line-batch.ts), appended as the Kafka listener appends a client's batches, a few appends
 * in flight while the next chunk is read. No string, object or promise per line: the line
 * by line path (readline, a producer send per line) managed 60,000 lines/s.
 *
 * Lines are stored as the bytes they are (no UTF-8 decoding: invalid sequences are kept,
 * not replaced); a trailing `\r` is dropped and a UTF-8 byte order mark at the very start
 * is skipped (line-chunks.ts), as before.
 */
import type { Broker } from '../../broker/broker';
import { RECORD_BATCH_OVERHEAD } from '../../storage/record-batch';
import { lineRecordBytes, splitLines, writeLineBatch } from './line-batch';
import type { ProduceTarget } from './send';

/** Largest batch written (smaller when the topic's max.message.bytes is). */
const BATCH_BYTES = 1024 * 1024;
/** Appends not yet done before reading waits: bounds memory to a few chunks. */
const MAX_IN_FLIGHT = 4;

export interface ProduceLinesOptions {
  keySeparator?: string;
  /** Called with the number of lines of each chunk as it is appended (a progress line). */
  onLines?: (count: number) => void;
}

/**
 * Appends one record per line of `chunks` (runs of whole lines, see line-chunks.ts) to the
 * target topic (created if missing): keyed lines to their key's partition, others to
 * `target.partition` or, without one, to the partitions in turn, a chunk's batches each.
 * Returns how many were appended.
 * @throws LogdockError INVALID_ARGUMENT (a line without the separator, naming it),
 *   MESSAGE_TOO_LARGE, UNKNOWN_PARTITION, or what the append throws.
 */
export async function produceLines(
  broker: Broker,
  target: ProduceTarget,
  chunks: AsyncIterable<Buffer>,
  opts: ProduceLinesOptions = {},
): Promise<number> {
  await broker.ensureTopic(target.topic);
  const writer = new BatchWriter(broker, target, opts.keySeparator);
  for await (const chunk of chunks) {
    const lines = await writer.write(chunk);
    opts.onLines?.(lines);
  }
  return writer.finish();
}

/** Encodes and appends the lines of chunks, a few appends in flight. */
class BatchWriter {
  private readonly separator: Buffer | null;
  private readonly partitions: number;
  private readonly maxBytes: number;
  private nextPartition: number;
  private readonly inFlight = new Set<Promise<void>>();
  private failure: unknown = null;
  private lineNo = 1;
  private appended = 0;

  constructor(
    private readonly broker: Broker,
    private readonly target: ProduceTarget,
    keySeparator: string | undefined,
  ) {
    const topic = broker.describeTopic(target.topic);
    this.partitions = topic.partitions.length;
    const max = Number(topic.configs['max.message.bytes']);
    this.maxBytes = Number.isFinite(max) && max > 0 ? Math.min(max, BATCH_BYTES) : BATCH_BYTES;
    this.separator = keySeparator === undefined ? null : Buffer.from(keySeparator, 'utf8');
    this.nextPartition = target.partition ?? broker.partitionFor(target.topic, null);
  }

  /** Appends the lines of `buf` (each ending with a newline); returns how many there were. */
  async write(buf: Buffer): Promise<number> {
    this.throwIfFailed();
    const spans = splitLines(buf, this.separator, this.lineNo);
    const count = spans.length / 4;
    this.lineNo += count;
    const timestamp = Date.now();
    for (const [partition, lines] of this.byPartition(buf, spans, count)) {
      // Batches close before max.message.bytes (a single line over it fails the append);
      // all of them are written into one buffer, appended at once.
      const ends: number[] = [];
      let total = 0;
      let bytes = RECORD_BATCH_OVERHEAD;
      for (let i = 0, from = 0; i < lines.length; i++) {
        const size = lineRecordBytes(spans, lines[i], i - from);
        if (i > from && bytes + size > this.maxBytes) {
          ends.push(i);
          total += bytes;
          from = i;
          bytes = RECORD_BATCH_OVERHEAD + lineRecordBytes(spans, lines[i], 0);
        } else bytes += size;
      }
      ends.push(lines.length);
      total += bytes;
      const out = Buffer.allocUnsafeSlow(total);
      let at = 0;
      for (let b = 0, from = 0; b < ends.length; from = ends[b++]) {
        at = writeLineBatch(out, at, buf, spans, lines.subarray(from, ends[b]), timestamp);
      }
      await this.append(partition, out);
    }
    return count;
  }

  /** Waits for every append; the number of lines appended. */
  async finish(): Promise<number> {
    await Promise.all(this.inFlight);
    this.throwIfFailed();
    return this.appended;
  }

  /** The chunk's lines grouped by partition, in line order within each. */
  private byPartition(buf: Buffer, spans: Int32Array, count: number): Map<number, Int32Array> {
    const all = new Int32Array(count);
    for (let i = 0; i < count; i++) all[i] = i;
    if (this.separator === null || this.target.partition !== undefined) {
      const partition = this.nextPartition;
      if (this.target.partition === undefined) {
        this.nextPartition = (this.nextPartition + 1) % this.partitions;
      }
      return new Map([[partition, all]]);
    }
    const groups = new Map<number, number[]>();
    for (let i = 0; i < count; i++) {
      const key = buf.subarray(spans[i * 4], spans[i * 4 + 1]);
      const partition = this.broker.partitionFor(this.target.topic, key);
      let group = groups.get(partition);
      if (!group) groups.set(partition, (group = []));
      group.push(i);
    }
    return new Map([...groups].map(([p, lines]) => [p, Int32Array.from(lines)]));
  }

  private async append(partition: number, batches: Buffer): Promise<void> {
    const done: Promise<void> = this.broker
      .appendBatches(this.target.topic, partition, batches, { acks: this.target.acks })
      .then(
        (r) => {
          this.appended += r.recordCount;
        },
        (err: unknown) => {
          this.failure ??= err;
        },
      )
      .finally(() => this.inFlight.delete(done));
    this.inFlight.add(done);
    while (this.inFlight.size >= MAX_IN_FLIGHT) await Promise.race(this.inFlight);
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (this.failure !== null) throw this.failure;
  }
}
