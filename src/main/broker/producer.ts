import { LogdockError } from '../../common/errors';
import type { Acks, ProduceRecord } from './api';
import type { ProducerHost } from './client-host';
import { DefaultPartitioner, type Partitioner } from './partitioner';

export interface ProducerOptions {
  /** How long a partial batch waits for more records (Kafka's linger.ms). Default 5. */
  lingerMs?: number;
  /** A batch is sent once its records reach this many bytes (Kafka's batch.size). Default 16384. */
  batchSize?: number;
  /** 1 (default): acknowledged once appended; -1: once fsynced; 0: as 1 (no network to skip). */
  acks?: Acks;
  /** Replaces Kafka's default partitioner for records without an explicit partition. */
  partitioner?: Partitioner;
}

export interface RecordMetadata {
  topic: string;
  partition: number;
  offset: number;
}

interface Pending {
  record: ProduceRecord;
  resolve: (m: RecordMetadata) => void;
  reject: (err: Error) => void;
}

interface Batch {
  topic: string;
  partition: number;
  items: Pending[];
  bytes: number;
  timer: NodeJS.Timeout | null;
}

function recordBytes(r: ProduceRecord): number {
  let n = (r.key?.length ?? 0) + (r.value?.length ?? 0) + 16;
  for (const h of r.headers ?? []) n += Buffer.byteLength(h.key) + (h.value?.length ?? 0) + 4;
  return n;
}

/**
 * In-process producer with Kafka's batching: records accumulate per partition until the
 * batch reaches `batchSize` bytes or `lingerMs` passes, then go to the log as one batch.
 * Order is kept within each partition. `send` may be called concurrently; each returned
 * promise settles when its record is acknowledged (or rejects with the batch's error:
 * UNKNOWN_TOPIC, UNKNOWN_PARTITION, MESSAGE_TOO_LARGE, CLOSED...).
 */
export class Producer {
  private readonly batches = new Map<string, Batch>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly defaultPartitioner = new DefaultPartitioner();
  private closed = false;
  private readonly closedListeners = new Set<() => void>();

  constructor(
    private readonly broker: ProducerHost,
    private readonly opts: ProducerOptions = {},
  ) {}

  /** Queues one record; resolves with its partition and offset once acknowledged. */
  async send(record: ProduceRecord): Promise<RecordMetadata> {
    if (this.closed) throw new LogdockError('CLOSED', 'the producer is closed');
    if (this.broker.partitionCount(record.topic) === null)
      await this.broker.ensureTopic(record.topic);
    const numPartitions = this.broker.partitionCount(record.topic);
    if (numPartitions === null)
      throw new LogdockError('UNKNOWN_TOPIC', `topic "${record.topic}" does not exist`);
    const partition = record.partition ?? this.choosePartition(record, numPartitions);
    if (!Number.isInteger(partition) || partition < 0 || partition >= numPartitions) {
      throw new LogdockError(
        'UNKNOWN_PARTITION',
        `topic "${record.topic}" has no partition ${partition} (it has ${numPartitions})`,
      );
    }
    const max = this.broker.describeTopic(record.topic).configs['max.message.bytes'];
    const size = recordBytes(record);
    if (size > max) {
      throw new LogdockError(
        'MESSAGE_TOO_LARGE',
        `record of about ${size} bytes for ${record.topic}-${partition} exceeds max.message.bytes=${max}`,
      );
    }
    return new Promise<RecordMetadata>((resolve, reject) => {
      const id = `${record.topic}\u0000${partition}`;
      let batch = this.batches.get(id);
      if (!batch) {
        batch = { topic: record.topic, partition, items: [], bytes: 0, timer: null };
        this.batches.set(id, batch);
      }
      batch.items.push({ record, resolve, reject });
      batch.bytes += size;
      if (batch.bytes >= (this.opts.batchSize ?? 16384)) this.drain(id);
      else if (!batch.timer) {
        batch.timer = setTimeout(() => this.drain(id), this.opts.lingerMs ?? 5);
      }
    });
  }

  private choosePartition(record: ProduceRecord, numPartitions: number): number {
    const args = {
      topic: record.topic,
      key: record.key ?? null,
      value: record.value,
      numPartitions,
    };
    return this.opts.partitioner
      ? this.opts.partitioner(args)
      : this.defaultPartitioner.partition(args);
  }

  private drain(id: string): void {
    const batch = this.batches.get(id);
    if (!batch) return;
    this.batches.delete(id);
    if (batch.timer) clearTimeout(batch.timer);
    const numPartitions = this.broker.partitionCount(batch.topic) ?? 1;
    this.defaultPartitioner.onNewBatch(batch.topic, batch.partition, numPartitions);
    const p = this.broker
      .appendRecords(
        batch.topic,
        batch.partition,
        batch.items.map((i) => i.record),
        this.opts.acks ?? 1,
      )
      .then(
        (result) =>
          batch.items.forEach((item, k) =>
            item.resolve({
              topic: batch.topic,
              partition: batch.partition,
              offset: result.baseOffset + k,
            }),
          ),
        (err: Error) => batch.items.forEach((item) => item.reject(err)),
      );
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  /** Sends every queued batch now and resolves when all sent records are acknowledged. */
  async flush(): Promise<void> {
    for (const id of [...this.batches.keys()]) this.drain(id);
    await Promise.all([...this.inFlight]);
  }

  /** Flushes, then refuses further sends. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
    for (const l of this.closedListeners) l();
  }

  /** Called once the producer is closed (the broker uses it to forget the producer). */
  onClosed(listener: () => void): void {
    this.closedListeners.add(listener);
  }
}
