/**
 * One forwarder per shipped local topic (docs/clusters.md, Shipping). Collectors commit
 * lines to the local log first; the forwarder reads that log and produces it to the remote
 * topic with an idempotent producer and acks=all, one batch in flight per remote partition.
 *
 * - Outage: a batch the remote did not acknowledge (unreachable, timeout, not enough
 *   replicas) is sent again as it is, same producer id and sequence, with a backoff growing
 *   to 30 s, for as long as it takes; the backlog waits in the local log.
 * - Crash: the checkpoint (./checkpoint.ts) may lag what the remote acknowledged; on every
 *   start, and after any answer that fences the producer (sequence or epoch errors), the
 *   forwarder reads the remote topic's tail for `logdock.ship` headers (./resume.ts) and
 *   resumes after max(checkpoint, what the remote holds). A fresh producer id is taken
 *   then, when no request of the old one can still be in flight.
 * - Mapping: local partition p goes to remote partition p when the remote topic has at
 *   least as many partitions, else to p mod (remote partition count): fixed, so each local
 *   partition's records stay in order in one remote partition.
 */
import { LogdockError } from '../../common/errors';
import type { Cluster, TopicDescription } from '../cluster/cluster';
import type { Logger } from '../logger';
import { sampleLineRate, type LineRate } from '../collectors/line-rate';
import type { ProducerIdentity } from '../remote/raw-produce';
import { readShipCheckpoint, writeShipCheckpoint, type ShipPosition } from './checkpoint';
import { restamp, stampProducer, type OutBatch } from './restamp';
import { lastForwarded } from './resume';
import { iterateBatches, lastOffsetOf } from '../storage/record-batch';

/** What the forwarder needs of the remote cluster (RemoteCluster has it all). */
export interface ShipTarget extends Pick<
  Cluster,
  'describeTopic' | 'createTopic' | 'readRecords' | 'appendBatches'
> {
  readonly name: string;
  initProducerId(): Promise<ProducerIdentity>;
  close(): Promise<void>;
}

export interface ForwarderOptions {
  local: Cluster;
  target: ShipTarget;
  /** The local topic and the ship's target as configured (`kafka://…/T`, `cluster://…/T`). */
  topic: string;
  to: string;
  remoteTopic: string;
  checkpointPath: string;
  /** Identifies this Logdock and topic in the `logdock.ship` header. */
  origin: string;
  logger: Logger;
  /** Bytes read from the local log per step (default 4 MiB). */
  readBytes?: number;
  /** Upper bound of one remote batch (default: the remote topic's max.message.bytes, at most 1 MiB). */
  maxBatchBytes?: number;
  /** Longest wait between retries (default 30 s). */
  maxBackoffMs?: number;
  /** How often partitions added to the local or remote topic are looked for (default 5 s). */
  partitionCheckMs?: number;
}

export type ForwarderState = 'starting' | 'running' | 'retrying' | 'stopped';

export interface ForwarderSnapshot {
  state: ForwarderState;
  positions: Map<number, ShipPosition>;
  forwarded: number;
  linesPerSecond: number;
  lostRecords: number;
  lastError: string | null;
  lastErrorAt: number | null;
}

/** Errors after which sending the same batch again may succeed. */
const TRANSIENT = new Set(['UNAVAILABLE', 'TIMEOUT']);
const SEQUENCE_WRAP = 2 ** 31;

export class Forwarder {
  private state: ForwarderState = 'starting';
  private readonly positions = new Map<number, ShipPosition>();
  private closed = false;
  private session: AbortController | undefined;
  private loop: Promise<void> | undefined;
  private forwarded = 0;
  private lostRecords = 0;
  private readonly rate: LineRate = { at: Date.now(), lines: 0, perSec: 0 };
  private lastError: string | null = null;
  private lastErrorAt: number | null = null;
  private checkpointTimer: NodeJS.Timeout | undefined;
  private checkpointWrite: Promise<void> = Promise.resolve();
  private wakeBackoff: (() => void) | undefined;

  constructor(private readonly o: ForwarderOptions) {}

  start(): void {
    this.loop ??= this.run();
  }

  snapshot(): ForwarderSnapshot {
    sampleLineRate(this.rate, this.forwarded, Date.now());
    return {
      state: this.state,
      positions: new Map([...this.positions].map(([p, v]) => [p, { ...v }])),
      forwarded: this.forwarded,
      linesPerSecond: this.rate.perSec,
      lostRecords: this.lostRecords,
      lastError: this.lastError,
      lastErrorAt: this.lastErrorAt,
    };
  }

  /** Stops forwarding, writes the checkpoint and closes the connection. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return this.loop;
    this.closed = true;
    this.session?.abort();
    this.wakeBackoff?.();
    // Closing the client first fails a request still waiting on an unreachable cluster at
    // once, instead of after its connect timeouts; positions only move on acks, so the
    // checkpoint written next is still exact.
    await this.o.target.close().catch(() => undefined);
    await this.loop;
    clearTimeout(this.checkpointTimer);
    await this.checkpointWrite;
    if (this.positions.size > 0) await this.writeCheckpoint().catch(() => undefined);
    this.state = 'stopped';
  }

  // ---------------------------------------------------------------- the loop

  private async run(): Promise<void> {
    // What the checkpoint says is forwarded, for the status while the remote cannot be reached.
    const saved = await readShipCheckpoint(this.o.checkpointPath, this.o, this.o.logger).catch(
      () => null,
    );
    for (const [p, position] of Object.entries(saved?.partitions ?? {}))
      this.positions.set(Number(p), position);
    let failures = 0;
    while (!this.closed) {
      const session = new AbortController();
      this.session = session;
      try {
        const plan = await this.connect();
        failures = 0;
        this.state = 'running';
        await this.forwardAll(plan, session.signal);
      } catch (err) {
        session.abort();
        if (this.closed) break;
        this.failed(err);
        failures++;
        await this.backoff(failures);
      }
    }
  }

  /**
   * Makes sure both topics exist, takes a producer id and finds where to resume: max of the
   * checkpoint and what the remote topic holds. Returns the remote partitions with the
   * local partitions they take.
   */
  private async connect(): Promise<Plan> {
    const { local, target, topic, remoteTopic } = this.o;
    const localTopic = await local.describeTopic(topic);
    const remote = await this.remoteTopic(localTopic.partitions.length);
    const remoteCount = remote.partitions.length;
    const producer = await target.initProducerId();
    const checkpoint = await readShipCheckpoint(this.o.checkpointPath, this.o, this.o.logger);
    const plan: Plan = {
      producer,
      maxBatchBytes: this.o.maxBatchBytes ?? Math.min(remote.configs['max.message.bytes'], MiB),
      routes: new Map(),
    };
    for (const p of localTopic.partitions) {
      const r =
        remoteCount >= localTopic.partitions.length ? p.partition : p.partition % remoteCount;
      const route = plan.routes.get(r) ?? { locals: [], sequence: 0 };
      route.locals.push(p.partition);
      plan.routes.set(r, route);
    }
    for (const [r, route] of plan.routes) {
      const saved = route.locals.map((p) => checkpoint?.partitions[String(p)]);
      const usable = saved.every((s) => s && s.remotePartition === r);
      const floor = usable ? Math.min(...saved.map((s) => s!.remoteNext)) : null;
      const held = await lastForwarded(target, remoteTopic, r, route.locals, this.o.origin, floor);
      for (const [i, p] of route.locals.entries()) {
        const fromRemote = (held.get(p) ?? -1) + 1;
        // A new ship starts at the local log's start; a known one where it was (a position
        // below the log start then counts as lost to retention, and is reported).
        const known = usable ? saved[i]!.next : localTopic.partitions[p].logStartOffset;
        const next = Math.max(known, fromRemote, this.positions.get(p)?.next ?? 0);
        const remoteNext = remote.partitions[r].logEndOffset;
        this.positions.set(p, { next, remotePartition: r, remoteNext });
      }
    }
    this.o.logger.info(
      `shipping ${topic} to ${remoteTopic} on ${target.name} from ${describePositions(this.positions)}`,
    );
    return plan;
  }

  /** The remote topic, created with the local topic's partition count when it is missing. */
  private async remoteTopic(partitions: number): Promise<TopicDescription> {
    const { target, remoteTopic } = this.o;
    try {
      return await target.describeTopic(remoteTopic);
    } catch (err) {
      if (!(err instanceof LogdockError) || err.code !== 'UNKNOWN_TOPIC') throw err;
    }
    try {
      return await target.createTopic(remoteTopic, { partitions });
    } catch (err) {
      // Someone else created it meanwhile.
      if (err instanceof LogdockError && err.code === 'ALREADY_EXISTS')
        return target.describeTopic(remoteTopic);
      throw err;
    }
  }

  /**
   * Runs a pipeline per remote partition until the session ends (closed, or one pipeline
   * failed: the others stop at their next step), and takes in local partitions added
   * meanwhile without starting over (watchPartitions).
   */
  private async forwardAll(plan: Plan, signal: AbortSignal): Promise<void> {
    const running: Promise<void>[] = [];
    let failure: { err: unknown } | null = null;
    const start = (r: number, route: Route) =>
      running.push(
        this.pipeline(plan, r, route, signal).catch((err: unknown) => {
          failure ??= { err };
          if (!signal.aborted) this.session?.abort();
        }),
      );
    for (const [r, route] of plan.routes) start(r, route);
    await this.watchPartitions(plan, signal, start);
    for (let i = 0; i < running.length; i++) await running[i];
    if (failure) throw (failure as { err: unknown }).err;
  }

  /**
   * Until the session ends: every `partitionCheckMs`, local partitions added to the topic
   * join the plan, each onto remote partition p mod (the remote topic's partition count
   * now; new remote partitions count), from its log start: a partition of a route already
   * running is read by that route's pipeline from its next turn, one of a new remote
   * partition gets a pipeline of its own (its idempotent sequence starting at 0). A check
   * that fails (a cluster not answering) is tried again at the next.
   */
  private async watchPartitions(
    plan: Plan,
    signal: AbortSignal,
    start: (r: number, route: Route) => void,
  ): Promise<void> {
    const { local, target, topic, remoteTopic } = this.o;
    const every = this.o.partitionCheckMs ?? 5_000;
    while (!signal.aborted) {
      await sleep(every, signal);
      if (signal.aborted) return;
      try {
        const locals = (await local.describeTopic(topic)).partitions;
        const added = locals.filter((p) => !this.positions.has(p.partition));
        if (added.length === 0) continue;
        const remote = (await target.describeTopic(remoteTopic)).partitions;
        if (signal.aborted) return;
        for (const p of added) {
          const r = p.partition % remote.length;
          this.positions.set(p.partition, {
            next: p.logStartOffset,
            remotePartition: r,
            remoteNext: remote[r].logEndOffset,
          });
          const route = plan.routes.get(r);
          if (route) route.locals.push(p.partition);
          else {
            const fresh: Route = { locals: [p.partition], sequence: 0 };
            plan.routes.set(r, fresh);
            start(r, fresh);
          }
          this.o.logger.info(
            `shipping ${topic}: partition ${p.partition} added, forwarded to ${remoteTopic} partition ${r}`,
          );
        }
      } catch (err) {
        if (!signal.aborted)
          this.o.logger.warn(`shipping ${topic}: checking partitions: ${(err as Error).message}`);
      }
    }
  }

  /** Forwards the local partitions of one remote partition, oldest backlog first, forever. */
  private async pipeline(plan: Plan, r: number, route: Route, signal: AbortSignal): Promise<void> {
    const { local, topic } = this.o;
    const readBytes = this.o.readBytes ?? 4 * MiB;
    while (!signal.aborted) {
      let idle = true;
      for (const p of route.locals) {
        const position = this.positions.get(p)!;
        const read = await local.read(topic, p, position.next, readBytes);
        if (position.next < read.logStartOffset) {
          this.lost(p, position, read.logStartOffset);
          idle = false;
          continue;
        }
        const batches = restamp(read.records, position.next, this.o.origin, p, plan.maxBatchBytes);
        for (const batch of batches) {
          if (signal.aborted) return;
          const base = await this.send(plan, r, route, batch, signal);
          position.next = batch.lastOffset + 1;
          position.remoteNext = base + batch.count;
          this.forwarded += batch.count;
          this.scheduleCheckpoint();
          idle = false;
        }
        // Records the batch held before `next` only (a compacted tail): skip past them.
        if (batches.length === 0 && read.highWatermark > position.next && read.records.length > 0)
          position.next = Math.max(position.next, lastOffsetIn(read.records) + 1);
      }
      if (idle && !signal.aborted) {
        await Promise.race(
          route.locals.map((p) =>
            local.waitForData(topic, p, this.positions.get(p)!.next, 1_000, signal),
          ),
        );
      }
    }
  }

  /** Sends one batch until the remote acknowledges it; returns its remote base offset. */
  private async send(
    plan: Plan,
    r: number,
    route: Route,
    batch: OutBatch,
    signal: AbortSignal,
  ): Promise<number> {
    const { producerId, producerEpoch } = plan.producer;
    stampProducer(batch.bytes, producerId, producerEpoch, route.sequence);
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await this.o.target.appendBatches(this.o.remoteTopic, r, batch.bytes, {
          acks: -1,
        });
        route.sequence = (route.sequence + batch.count) % SEQUENCE_WRAP;
        if (this.state === 'retrying') {
          this.state = 'running';
          this.o.logger.info(`shipping ${this.o.topic}: ${this.o.target.name} answers again`);
        }
        return result.baseOffset;
      } catch (err) {
        if (signal.aborted) throw err;
        if (!(err instanceof LogdockError) || !TRANSIENT.has(err.code)) throw err;
        // Same bytes, same sequence: the remote stores it once even if an earlier try landed.
        this.failed(err);
        await this.backoff(attempt);
        if (signal.aborted) throw err;
      }
    }
  }

  private lost(p: number, position: ShipPosition, logStart: number): void {
    const count = logStart - position.next;
    this.lostRecords += count;
    this.o.logger.error(
      `shipping ${this.o.topic}: local retention deleted ${count} records of ${this.o.topic}-${p} (offsets ${position.next}..${logStart - 1}) before they were forwarded to ${this.o.target.name}`,
    );
    position.next = logStart;
  }

  private failed(err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    const first = this.state !== 'retrying';
    this.state = 'retrying';
    this.lastError = message;
    this.lastErrorAt = Date.now();
    if (first) this.o.logger.warn(`shipping ${this.o.topic} to ${this.o.target.name}: ${message}`);
  }

  /** Waits 0.5 s, 1 s, 2 s, … up to maxBackoffMs; close() cuts it short. */
  private backoff(attempt: number): Promise<void> {
    const ms = Math.min(this.o.maxBackoffMs ?? 30_000, 250 * 2 ** Math.min(attempt, 10));
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeBackoff = done;
    });
  }

  // ---------------------------------------------------------------- checkpoint

  private scheduleCheckpoint(): void {
    if (this.checkpointTimer || this.closed) return;
    this.checkpointTimer = setTimeout(() => {
      this.checkpointTimer = undefined;
      this.checkpointWrite = this.checkpointWrite
        .then(() => this.writeCheckpoint())
        .catch((err: Error) =>
          this.o.logger.warn(`shipping ${this.o.topic}: checkpoint not written: ${err.message}`),
        );
    }, 1_000);
  }

  private writeCheckpoint(): Promise<void> {
    return writeShipCheckpoint(this.o.checkpointPath, {
      version: 1,
      topic: this.o.topic,
      to: this.o.to,
      origin: this.o.origin,
      partitions: Object.fromEntries([...this.positions].map(([p, v]) => [String(p), { ...v }])),
    });
  }
}

const MiB = 1024 * 1024;

/** Resolves after `ms`, or at once when `signal` is aborted. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

interface Route {
  locals: number[];
  /** The idempotent producer's next sequence on this remote partition. */
  sequence: number;
}

interface Plan {
  producer: ProducerIdentity;
  maxBatchBytes: number;
  routes: Map<number, Route>;
}

function describePositions(positions: Map<number, ShipPosition>): string {
  return [...positions]
    .map(([p, v]) => `partition ${p} offset ${v.next} (-> ${v.remotePartition})`)
    .join(', ');
}

function lastOffsetIn(records: Buffer): number {
  let last = -1;
  for (const { header } of iterateBatches(records)) last = lastOffsetOf(header);
  return last;
}
