/**
 * The OpenTelemetry logs receiver: OTLP/HTTP `POST /v1/logs` (protobuf or JSON, plain or
 * gzip). A request is answered 200 only once its records are appended, so what an
 * exporter was told is stored is in the log; anything else gets a status the exporter
 * understands: 400 malformed, 413 too large, 415 wrong type or encoding, 429 (with
 * Retry-After) while too many bytes are being stored, 503 while closing or when the log
 * cannot take the records. Retries of a request already stored are recognised by digest
 * (requests.ts), so a crash between the append and the answer does not duplicate it.
 * Connections are bounded (`maxConnections`, connection-limit.ts); one that stalls is closed
 * by Node's HTTP timeouts (headers within 60 s, the whole request within 300 s).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { LogdockError } from '../../../common/errors';
import type { OtlpSourceConfig } from '../../../common/collectors/config';
import type { SourceDeps } from '../source-deps';
import { QueuedSource } from '../queued-source';
import type { Source, SourceStatus } from '../status';
import { ensureTopic } from '../topic';
import { describeConnections, limitConnections, type ConnectionCounts } from '../connection-limit';
import {
  HttpError,
  decompress,
  readBody,
  requestEncoding,
  sendError,
  sendSuccess,
  type Encoding,
} from './http';
import { addObjectRecords } from './object-records';
import { decodeRequestProto } from './proto';
import { RequestRecords, type Run } from './records';
import { StoredRequests, requestDigest } from './requests';
import { OtlpInputError } from './values';
import { addWireRecords } from './wire-records';

/** Request bytes being received or stored at once before requests are told to come back later. */
const MAX_INFLIGHT_BYTES = 64 * 1024 * 1024;
const RETRYABLE_CODES = new Set(['CLOSED', 'UNAVAILABLE', 'IO_ERROR', 'TIMEOUT']);
/** Largest batch written, below a topic's own max.message.bytes when that is lower. */
const MAX_BATCH_BYTES = 1024 * 1024;

export class OtlpSource extends QueuedSource<OtlpSourceConfig> implements Source {
  private server: Server | null = null;
  private readonly stored = new StoredRequests();
  private readonly topics = new Set<string>();
  /**
   * Batch size limit of each known topic (max.message.bytes, capped). A topic first seen in
   * a request gets MAX_BATCH_BYTES for that request; a lowered limit met on append is
   * forgotten, so the exporter's retry reads it again.
   */
  private readonly limits = new Map<string, number>();
  private inflightBytes = 0;
  private closing: Promise<void> | null = null;
  private boundPort: number | null = null;
  private connCounts: ConnectionCounts | null = null;
  /** Requests answered, and log records rejected in partial-success answers. */
  private requests = 0;
  private rejected = 0;

  constructor(config: OtlpSourceConfig, deps: SourceDeps) {
    super(config, deps);
  }

  /** The port listened on (useful with port 0), or null before start. */
  get port(): number | null {
    return this.boundPort;
  }

  /**
   * Creates the topic, learns which requests the topics' tails already hold, and listens.
   * @throws LogdockError UNAVAILABLE when the address is in use or cannot be bound.
   */
  async start(): Promise<void> {
    const { cluster } = this.deps;
    await ensureTopic(cluster, this.config.topic);
    this.topics.add(this.config.topic);
    const prefix = `${this.config.topic}.`;
    const perService = this.config.topicPerService
      ? (await cluster.listTopics()).map((t) => t.name).filter((n) => n.startsWith(prefix))
      : [];
    for (const t of perService) this.topics.add(t);
    for (const t of this.topics) await this.learnLimit(t);
    await this.stored.recover(cluster, [this.config.topic, ...perService], this.id);
    const server = createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 30_000;
    const max = this.config.maxConnections;
    this.connCounts = limitConnections(server, max, (refused) =>
      this.fail(
        `http: ${refused} connection(s) refused so far: ${max} were open (maxConnections ${max})`,
      ),
    );
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(this.config.port, this.config.host, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      throw new LogdockError(
        'UNAVAILABLE',
        `otlp source ${this.id}: cannot listen on ${this.config.host}:${this.config.port}: ${(err as Error).message}`,
      );
    }
    server.on('error', (err) => this.fail(`http: ${err.message}`));
    const addr = server.address();
    this.boundPort = typeof addr === 'object' && addr ? addr.port : this.config.port;
    this.server = server;
    this.state = 'running';
    this.log.info(`OTLP logs receiver on ${this.url()}`);
  }

  /** Stops accepting requests, answers new ones 503, waits for those being stored. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const server = this.server;
      this.server = null;
      if (server) {
        const closed = new Promise<void>((r) => server.close(() => r()));
        server.closeIdleConnections();
        await closed;
      }
      this.state = 'stopped';
    })();
    return this.closing;
  }

  status(): SourceStatus {
    const counts = this.connCounts;
    const connections = counts
      ? `; ${describeConnections(counts, this.config.maxConnections)}`
      : '';
    const detail = this.server
      ? `listening on ${this.url()}; ${this.requests} requests, ${this.rejected} records rejected${connections}`
      : null;
    return {
      ...this.baseStatus('otlp', detail),
      listening: { udp: null, tcp: this.boundPort },
      ...(counts ? { connections: { ...counts } } : {}),
    };
  }

  private url(): string {
    const host = this.config.host.includes(':') ? `[${this.config.host}]` : this.config.host;
    return `http://${host}:${this.boundPort}/v1/logs`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let encoding: Encoding = 'protobuf';
    let counted = 0;
    try {
      const path = (req.url ?? '').split('?')[0];
      if (path !== '/v1/logs')
        throw new HttpError(404, `no such path "${path}"; OTLP logs are posted to /v1/logs`);
      if (req.method !== 'POST') throw new HttpError(405, `${req.method} is not allowed; use POST`);
      encoding = requestEncoding(req.headers['content-type']);
      if (this.closing) throw new HttpError(503, 'the receiver is closing', 1);
      const max = this.config.maxRequestBytes;
      // Bytes count from their arrival (counted only once read whole, bodies trickling in on
      // many connections were held unbounded), and a gzip body's from its inflation.
      const take = (bytes: number): void => {
        counted += bytes;
        this.inflightBytes += bytes;
        if (this.inflightBytes > MAX_INFLIGHT_BYTES)
          throw new HttpError(
            429,
            `more than ${MAX_INFLIGHT_BYTES} bytes of requests are being received or stored; retry later`,
            1,
          );
      };
      const raw = await readBody(req, max, take);
      const body = await decompress(raw, req.headers['content-encoding'], max);
      take(body === raw ? 0 : body.length);
      // Protobuf with headers is read straight from its bytes (wire-records.ts); the rest decoded.
      const direct = encoding === 'protobuf' && this.config.fields === 'headers';
      const decoded = direct ? null : { request: decodeBody(body, encoding) };
      const digest = requestDigest(body);
      const result = await this.stored.exclusive(digest, () => this.store(body, decoded, digest));
      this.requests++;
      sendSuccess(res, encoding, result.rejected, result.reason);
    } catch (err) {
      const httpErr = toHttpError(err);
      if (httpErr.status >= 500) this.fail(`request refused: ${httpErr.message}`);
      sendError(res, encoding, httpErr);
    } finally {
      this.inflightBytes -= counted;
    }
  }

  private async store(
    body: Buffer,
    decoded: { request: unknown } | null,
    digest: string,
  ): Promise<{ rejected: number; reason: string }> {
    const already = this.stored.storedOf(digest);
    const out = new RequestRecords({
      sourceId: this.id,
      topic: this.config.topic,
      topicPerService: this.config.topicPerService,
      fields: this.config.fields,
      maxRecordBytes: this.config.maxRecordBytes,
      digest,
      skip: already === 'all' ? undefined : already,
      now: Date.now(),
      maxBatchBytes: (topic) => this.limits.get(topic) ?? MAX_BATCH_BYTES,
    });
    addRecords(out, body, decoded);
    const records = out.records;
    if (already !== 'all' && records > 0) {
      await this.append(out.runs);
      this.counters.lines += records;
    }
    this.stored.markStored(digest);
    this.rejected += out.rejected;
    this.deps.onChange?.();
    const reason =
      out.rejected > 0 ? `${out.rejected} log records rejected; first: ${out.rejectReason}` : '';
    return { rejected: out.rejected, reason };
  }

  /** Appends the runs' batches, each partition's in request order, partitions in parallel. */
  private async append(runs: Run[]): Promise<void> {
    const { cluster } = this.deps;
    const parts = new Map<string, { topic: string; partition: number; batches: Buffer[] }>();
    for (const run of runs) {
      if (run.writer.records === 0) continue;
      if (!this.topics.has(run.topic)) {
        await ensureTopic(cluster, run.topic);
        this.topics.add(run.topic);
        await this.learnLimit(run.topic);
      }
      const partition = await cluster.partitionFor(run.topic, run.key);
      const id = `${run.topic}\u0000${partition}`;
      const part = parts.get(id) ?? { topic: run.topic, partition, batches: [] };
      part.batches.push(run.writer.take());
      parts.set(id, part);
    }
    try {
      await Promise.all(
        [...parts.values()].map((p) =>
          // The bytes are batch-writer.ts's own encoding (a client's fields are copied into
          // records, never its batches): the embedded log checks only their headers.
          cluster.appendBatches(p.topic, p.partition, Buffer.concat(p.batches), {
            acks: 1,
            encodedHere: true,
          }),
        ),
      );
    } catch (err) {
      if (err instanceof LogdockError && err.code === 'MESSAGE_TOO_LARGE') this.limits.clear();
      throw err;
    }
  }

  private async learnLimit(topic: string): Promise<void> {
    const limit = Number(
      (await this.deps.cluster.describeTopic(topic)).configs['max.message.bytes'],
    );
    const fits =
      Number.isFinite(limit) && limit > 0 ? Math.min(limit, MAX_BATCH_BYTES) : MAX_BATCH_BYTES;
    this.limits.set(topic, fits);
  }
}

/** @throws HttpError 400 for malformed protobuf, OtlpInputError for a malformed request. */
function addRecords(out: RequestRecords, body: Buffer, decoded: { request: unknown } | null): void {
  if (decoded !== null) return addObjectRecords(decoded.request, out);
  try {
    addWireRecords(body, out);
  } catch (err) {
    if (err instanceof OtlpInputError) throw err;
    throw new HttpError(
      400,
      `malformed protobuf ExportLogsServiceRequest: ${(err as Error).message}`,
    );
  }
}

function decodeBody(body: Buffer, encoding: Encoding): unknown {
  try {
    return encoding === 'json' ? JSON.parse(body.toString('utf8')) : decodeRequestProto(body);
  } catch (err) {
    throw new HttpError(
      400,
      `malformed ${encoding} ExportLogsServiceRequest: ${(err as Error).message}`,
    );
  }
}

function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  if (err instanceof OtlpInputError) return new HttpError(400, `malformed request: ${err.message}`);
  if (err instanceof LogdockError && RETRYABLE_CODES.has(err.code))
    return new HttpError(503, `cannot store the records: ${err.message}`, 1);
  return new HttpError(500, `cannot store the records: ${(err as Error).message}`);
}
