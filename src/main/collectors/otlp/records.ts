/**
 * OTLP log records → Logdock records. One record per LogRecord: key `service.name`, the
 * record's own timestamp (else its observed time, else now), the body as value (text as
 * is, anything else as JSON), severity as `level`, and attributes, resource, scope and
 * trace context kept as headers (`attr.<k>`, `resource.<k>`, `otel.*`) or, with
 * `fields: value`, as one JSON value. Every record carries `logdock.request`
 * (`<digest>:<index>`) so a retried request can be recognised after a crash (requests.ts).
 */
import type { ProduceRecord } from '../../cluster';
import type { RecordHeader } from '../../storage/api';
import { H, fixedHeader } from '../record';
import {
  OtlpInputError,
  anyValue,
  asText,
  attributes,
  bytes,
  has,
  int64,
  list,
  obj,
  str,
  type Obj,
} from './values';

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
}

export interface Built {
  records: ProduceRecord[];
  /** LogRecords in the request, rejected ones included. */
  total: number;
  rejected: number;
  /** Why the first rejected record was rejected (for the partial-success answer). */
  rejectReason: string;
  topics: Set<string>;
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

/** @throws OtlpInputError when the request is not an ExportLogsServiceRequest. */
export function buildRecords(request: unknown, o: BuildOptions): Built {
  const out: Built = { records: [], total: 0, rejected: 0, rejectReason: '', topics: new Set() };
  const req = obj(request, 'request');
  const cache = new HeaderCache();
  list(req, 'resourceLogs', 'request').forEach((rl, ri) => {
    const where = `resourceLogs[${ri}]`;
    const rlo = obj(rl, where);
    const resource = has(rlo, 'resource')
      ? attributes(list(obj(rlo.resource, where), 'attributes', `${where}.resource`), where)
      : {};
    const service = typeof resource['service.name'] === 'string' ? resource['service.name'] : '';
    const topic = o.topicPerService ? serviceTopic(o.topic, service) : o.topic;
    const shared: Shared = {
      cache,
      topic,
      key: service ? Buffer.from(service) : null,
      resource,
      resourceHeaders:
        o.fields === 'headers'
          ? Object.entries(resource).map(([k, v]) => fixedHeader(`resource.${k}`, asText(v)))
          : [],
    };
    list(rlo, 'scopeLogs', where).forEach((sl, si) => {
      const swhere = `${where}.scopeLogs[${si}]`;
      const slo = obj(sl, swhere);
      const scope = has(slo, 'scope') ? obj(slo.scope, swhere) : {};
      const scopeInfo = {
        name: str(scope, 'name', swhere),
        version: str(scope, 'version', swhere),
      };
      list(slo, 'logRecords', swhere).forEach((lr, li) => {
        const index = out.total++;
        if (o.skip?.has(index)) return;
        const built = buildOne(obj(lr, `${swhere}.logRecords[${li}]`), index, shared, scopeInfo, o);
        if (typeof built === 'string') {
          out.rejected++;
          out.rejectReason ||= built;
          return;
        }
        out.records.push(built);
        out.topics.add(topic);
      });
    });
  });
  return out;
}

/**
 * Header objects of one request by key and value: levels, scopes and most attribute values
 * repeat from record to record, and one shared header is cheaper than a Buffer per record.
 */
class HeaderCache {
  private readonly byKey = new Map<string, Map<string, RecordHeader>>();

  get(key: string, value: string): RecordHeader {
    let values = this.byKey.get(key);
    if (!values) this.byKey.set(key, (values = new Map()));
    let h = values.get(value);
    if (!h) {
      h = fixedHeader(key, value);
      if (values.size < 1000) values.set(value, h);
    }
    return h;
  }
}

const nsToMs = (ns: number): number => Math.floor(ns / 1e6);

interface Shared {
  cache: HeaderCache;
  topic: string;
  key: Buffer | null;
  resource: Record<string, unknown>;
  resourceHeaders: RecordHeader[];
}

/** One LogRecord as a record, or the reason it is rejected. */
function buildOne(
  lr: Obj,
  index: number,
  shared: Shared,
  scope: { name: string; version: string },
  o: BuildOptions,
): ProduceRecord | string {
  const where = `logRecord ${index}`;
  const timeNs = int64(lr, 'timeUnixNano', where);
  const observedNs = int64(lr, 'observedTimeUnixNano', where);
  const severityNumber = int64(lr, 'severityNumber', where);
  const severityText = str(lr, 'severityText', where);
  const traceId = bytes(lr, 'traceId', where, 'hex');
  const spanId = bytes(lr, 'spanId', where, 'hex');
  if (traceId.length !== 0 && traceId.length !== 16)
    return `${where}: trace id of ${traceId.length} bytes (16 expected)`;
  if (spanId.length !== 0 && spanId.length !== 8)
    return `${where}: span id of ${spanId.length} bytes (8 expected)`;
  const flags = int64(lr, 'flags', where);
  const eventName = str(lr, 'eventName', where);
  const attrs = attributes(list(lr, 'attributes', where), `${where}.attributes`);
  const body = has(lr, 'body') ? anyValue(lr.body, `${where}.body`) : null;
  const level = severityLevel(severityNumber, severityText);
  const timestamp = timeNs > 0 ? nsToMs(timeNs) : observedNs > 0 ? nsToMs(observedNs) : o.now;
  const c = shared.cache;
  const headers: RecordHeader[] = [
    c.get(H.source, o.sourceId),
    fixedHeader(REQUEST_HEADER, `${o.digest}:${index}`),
  ];
  if (level) headers.push(c.get(H.level, level));
  let value: Buffer;
  if (o.fields === 'value') {
    value = Buffer.from(
      JSON.stringify({
        timestamp: new Date(timestamp).toISOString(),
        observedTimestamp: observedNs > 0 ? new Date(nsToMs(observedNs)).toISOString() : undefined,
        severityNumber: severityNumber || undefined,
        severityText: severityText || undefined,
        level,
        body,
        attributes: attrs,
        resource: shared.resource,
        scope: scope.name ? scope : undefined,
        traceId: traceId.length > 0 ? traceId.toString('hex') : undefined,
        spanId: spanId.length > 0 ? spanId.toString('hex') : undefined,
        flags: flags || undefined,
        eventName: eventName || undefined,
      }),
    );
  } else {
    value = body === null ? Buffer.alloc(0) : Buffer.from(asText(body));
    if (severityNumber) headers.push(c.get('otel.severity_number', String(severityNumber)));
    if (severityText) headers.push(c.get('otel.severity_text', severityText));
    if (traceId.length > 0) headers.push(fixedHeader('otel.trace_id', traceId.toString('hex')));
    if (spanId.length > 0) headers.push(fixedHeader('otel.span_id', spanId.toString('hex')));
    if (flags) headers.push(c.get('otel.trace_flags', String(flags)));
    if (eventName) headers.push(c.get('otel.event_name', eventName));
    if (scope.name) headers.push(c.get('otel.scope', scope.name));
    if (scope.version) headers.push(c.get('otel.scope_version', scope.version));
    if (observedNs > 0 && observedNs !== timeNs)
      headers.push(fixedHeader('otel.observed_time', new Date(nsToMs(observedNs)).toISOString()));
    headers.push(...shared.resourceHeaders);
    for (const k in attrs) headers.push(c.get(`attr.${k}`, asText(attrs[k])));
  }
  let size = value.length;
  for (const h of headers) size += h.key.length + (h.value?.length ?? 0);
  if (size > o.maxRecordBytes)
    return `${where}: ${size} bytes, more than the ${o.maxRecordBytes} a record may hold`;
  return { topic: shared.topic, key: shared.key, value, headers, timestamp };
}

export { OtlpInputError };
