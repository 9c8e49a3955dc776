/**
 * OTLP log records → Logdock records. One record per LogRecord: key `service.name`, the
 * record's own timestamp (else its observed time, else now), the body as value (text as
 * is, anything else as JSON), severity as `level`, and attributes, resource, scope and
 * trace context kept as headers (`attr.<k>`, `resource.<k>`, `otel.*`) or, with
 * `fields: value`, as one JSON value. Every record carries `logdock.request`
 * (`<digest>:<index>`) so a retried request can be recognised after a crash (requests.ts).
 *
 * This file is the one definition of the records' shape; two decoders feed it: the
 * protobuf wire reader (wire-records.ts, protobuf with `fields: headers`, the hot path)
 * and the decoded-object reader (object-records.ts: OTLP/JSON, and protobuf with
 * `fields: value`). Records go straight into RecordBatch bytes (batch-writer.ts), one
 * writer per run of records of the same topic and key, in request order.
 */
import { H } from '../record';
import {
  type EncodedHeader,
  RecordBatchWriter,
  Text,
  encodeHeader,
  headerKey,
} from './batch-writer';
import { asText } from './values';

export const REQUEST_HEADER = 'logdock.request';

export interface BuildOptions {
  sourceId: string;
  topic: string;
  topicPerService: boolean;
  fields: 'headers' | 'value';
  maxRecordBytes: number;
  /** Digest of the request body, and indexes already stored by an earlier attempt. */
  digest: string;
  skip?: ReadonlySet<number>;
  now: number;
  /** Largest batch for a topic (its max.message.bytes). */
  maxBatchBytes: (topic: string) => number;
}

/** Records of one topic and key, in request order, as RecordBatch bytes. */
export interface Run {
  topic: string;
  key: Buffer | null;
  writer: RecordBatchWriter;
}

/** What the records of one ResourceLogs share. */
export interface ResourceInfo {
  topic: string;
  key: Buffer | null;
  resource: Record<string, unknown>;
  headers: EncodedHeader[];
}

/** What the records of one ScopeLogs share. */
export interface ScopeInfo {
  name: string;
  version: string;
  headers: EncodedHeader[];
}

/** OTLP SeverityNumber ranges (1-4 TRACE … 21-24 FATAL). */
const SEVERITY_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

export function severityLevel(n: number, text: string): string | undefined {
  if (n >= 1 && n <= 24) return SEVERITY_LEVELS[Math.floor((n - 1) / 4)];
  return text ? text.toLowerCase() : undefined;
}

/** Per-service topic name: `<topic>.<service>` with characters a topic name cannot hold as `_`. */
export function serviceTopic(topic: string, service: string): string {
  const name = (service || 'unknown_service').replace(/[^A-Za-z0-9._-]/g, '_');
  return `${topic}.${name}`.slice(0, 249);
}

/** One LogRecord's fields as a decoder found them; one instance is refilled per record. */
export class LogFields {
  timeNs = 0;
  observedNs = 0;
  severityNumber = 0;
  flags = 0;
  readonly severityText = new Text();
  readonly eventName = new Text();
  /** Ids as bytes (`src[start, end)`). */
  readonly traceId = new Text();
  readonly spanId = new Text();
  hasBody = false;
  readonly body = new Text();
  attrCount = 0;
  readonly attrKeys: Text[] = [];
  readonly attrValues: Text[] = [];

  reset(): void {
    this.timeNs = this.observedNs = this.severityNumber = this.flags = 0;
    this.severityText.setText('');
    this.eventName.setText('');
    this.traceId.setBytes(EMPTY, 0, 0);
    this.spanId.setBytes(EMPTY, 0, 0);
    this.hasBody = false;
    this.attrCount = 0;
  }

  /** The next attribute's key and value slots. */
  addAttribute(): number {
    if (this.attrCount === this.attrKeys.length) {
      this.attrKeys.push(new Text());
      this.attrValues.push(new Text());
    }
    return this.attrCount++;
  }
}

const EMPTY = new Uint8Array(0);
const K = {
  request: headerKey(REQUEST_HEADER),
  severityText: headerKey('otel.severity_text'),
  traceId: headerKey('otel.trace_id'),
  spanId: headerKey('otel.span_id'),
  eventName: headerKey('otel.event_name'),
  observed: headerKey('otel.observed_time'),
};
const ATTR_PREFIX = Buffer.from('attr.');

/** The records of one request, written as they are decoded. */
export class RequestRecords {
  /** LogRecords in the request, rejected ones included. */
  total = 0;
  rejected = 0;
  /** Why the first rejected record was rejected (for the partial-success answer). */
  rejectReason = '';
  readonly runs: Run[] = [];
  private readonly source: EncodedHeader;
  private readonly requestPrefix: Buffer;
  /** Headers whose values repeat from record to record, by value. */
  private readonly levels = new Repeated(H.level);
  private readonly severityNumbers = new Repeated('otel.severity_number');
  private readonly traceFlags = new Repeated('otel.trace_flags');
  private lastObservedMs = -1;
  private lastObservedText = '';

  constructor(readonly o: BuildOptions) {
    this.source = encodeHeader(H.source, o.sourceId);
    this.requestPrefix = Buffer.from(`${o.digest}:`);
  }

  /** @param resource the resource's attributes as plain values (values.ts `attributes`). */
  resource(resource: Record<string, unknown>): ResourceInfo {
    const service = typeof resource['service.name'] === 'string' ? resource['service.name'] : '';
    return {
      topic: this.o.topicPerService ? serviceTopic(this.o.topic, service) : this.o.topic,
      key: service ? Buffer.from(service) : null,
      resource,
      headers:
        this.o.fields === 'headers'
          ? Object.entries(resource).map(([k, v]) => encodeHeader(`resource.${k}`, asText(v)))
          : [],
    };
  }

  scope(name: string, version: string): ScopeInfo {
    const headers: EncodedHeader[] = [];
    if (name) headers.push(encodeHeader('otel.scope', name));
    if (version) headers.push(encodeHeader('otel.scope_version', version));
    return { name, version, headers };
  }

  /** The index of the next LogRecord, or -1 when an earlier attempt stored it already. */
  nextIndex(): number {
    const index = this.total++;
    return this.o.skip?.has(index) ? -1 : index;
  }

  /** Records taken (not rejected) so far. */
  get records(): number {
    let n = 0;
    for (const r of this.runs) n += r.writer.records;
    return n;
  }

  /** Writes one LogRecord with `fields: headers`. */
  addFields(index: number, f: LogFields, res: ResourceInfo, scope: ScopeInfo): void {
    const where = `logRecord ${index}`;
    const traceLength = f.traceId.end - f.traceId.start;
    const spanLength = f.spanId.end - f.spanId.start;
    if (traceLength !== 0 && traceLength !== 16)
      return this.reject(`${where}: trace id of ${traceLength} bytes (16 expected)`);
    if (spanLength !== 0 && spanLength !== 8)
      return this.reject(`${where}: span id of ${spanLength} bytes (8 expected)`);
    const w = this.start(index, res, this.timestamp(f.timeNs, f.observedNs));
    if (f.hasBody) w.value(f.body);
    else w.valueBytes(EMPTY, 0, 0);
    this.commonHeaders(w, index, f.severityNumber, f.severityText);
    if (f.severityNumber) w.header(this.severityNumbers.get(f.severityNumber));
    if (!f.severityText.isEmpty) w.headerField(K.severityText, f.severityText);
    if (traceLength > 0) w.headerHex(K.traceId, f.traceId.src, f.traceId.start, f.traceId.end);
    if (spanLength > 0) w.headerHex(K.spanId, f.spanId.src, f.spanId.start, f.spanId.end);
    if (f.flags) w.header(this.traceFlags.get(f.flags));
    if (!f.eventName.isEmpty) w.headerField(K.eventName, f.eventName);
    for (const h of scope.headers) w.header(h);
    if (f.observedNs > 0 && f.observedNs !== f.timeNs)
      w.headerText(K.observed, this.observedText(nsToMs(f.observedNs)));
    for (const h of res.headers) w.header(h);
    for (let i = 0; i < f.attrCount; i++)
      w.headerPrefixed(ATTR_PREFIX, f.attrKeys[i], f.attrValues[i]);
    this.finish(w, where);
  }

  /** Writes one LogRecord with `fields: value`: `json` is the whole record. */
  addValue(
    index: number,
    res: ResourceInfo,
    timestamp: number,
    severity: { number: number; text: Text },
    json: string,
  ): void {
    const w = this.start(index, res, timestamp);
    w.valueText(json);
    this.commonHeaders(w, index, severity.number, severity.text);
    this.finish(w, `logRecord ${index}`);
  }

  reject(reason: string): void {
    this.rejected++;
    this.rejectReason ||= reason;
  }

  timestamp(timeNs: number, observedNs: number): number {
    return timeNs > 0 ? nsToMs(timeNs) : observedNs > 0 ? nsToMs(observedNs) : this.o.now;
  }

  private start(index: number, res: ResourceInfo, timestamp: number): RecordBatchWriter {
    let run = this.runs[this.runs.length - 1];
    if (!run || run.topic !== res.topic || !sameKey(run.key, res.key)) {
      run = {
        topic: res.topic,
        key: res.key,
        writer: new RecordBatchWriter(this.o.maxBatchBytes(res.topic)),
      };
      this.runs.push(run);
    }
    run.writer.begin(timestamp, res.key);
    return run.writer;
  }

  private commonHeaders(w: RecordBatchWriter, index: number, n: number, text: Text): void {
    w.header(this.source);
    w.headerDigits(K.request, this.requestPrefix, index);
    const level =
      n >= 1 && n <= 24
        ? SEVERITY_LEVELS[Math.floor((n - 1) / 4)]
        : severityLevel(n, text.toString());
    if (level) w.header(this.levels.get(level));
  }

  private finish(w: RecordBatchWriter, where: string): void {
    if (w.payload > this.o.maxRecordBytes)
      return this.reject(
        `${where}: ${w.payload} bytes, more than the ${this.o.maxRecordBytes} a record may hold`,
      );
    w.commit();
  }

  private observedText(ms: number): string {
    if (ms !== this.lastObservedMs) {
      this.lastObservedMs = ms;
      this.lastObservedText = new Date(ms).toISOString();
    }
    return this.lastObservedText;
  }
}

/** One header key's encoded headers by value (a bounded number of them). */
class Repeated {
  private readonly byValue = new Map<string | number, EncodedHeader>();

  constructor(private readonly key: string) {}

  get(value: string | number): EncodedHeader {
    let h = this.byValue.get(value);
    if (!h) {
      h = encodeHeader(this.key, String(value));
      if (this.byValue.size < 1000) this.byValue.set(value, h);
    }
    return h;
  }
}

function sameKey(a: Buffer | null, b: Buffer | null): boolean {
  return a === b || (a !== null && b !== null && a.equals(b));
}

export const nsToMs = (ns: number): number => Math.floor(ns / 1e6);
