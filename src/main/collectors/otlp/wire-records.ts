/**
 * Records straight from the protobuf bytes of an ExportLogsServiceRequest (the hot path:
 * protobuf with `fields: headers`, what the SDKs send by default). The LogRecords are
 * walked in place: their strings, bodies and attribute values stay byte ranges of the
 * request, copied once, into the record batch. What is rare or shared is handed to
 * protobufjs and values.ts, so it means exactly what the decoded-object path makes of it:
 * the Resource and InstrumentationScope (once per ResourceLogs / ScopeLogs) and any
 * AnyValue other than one string, bool or int (arrays, maps, doubles, bytes).
 *
 * Field numbers are opentelemetry-proto's (logs/v1/logs.proto, common/v1/common.proto);
 * for a non-repeated field given twice the last one counts, as in protobufjs.
 */
import type { Text } from './batch-writer';
import { decodeAnyValue, decodeResource, decodeScope } from './proto';
import { LogFields, type RequestRecords, type ResourceInfo, type ScopeInfo } from './records';
import { anyValue, asText, attributes, list, obj, str } from './values';
import { FIXED32, FIXED64, LENGTH, VARINT, WireReader } from './wire';

/** @throws ProtoError on malformed bytes, OtlpInputError on malformed content. */
export function addWireRecords(body: Buffer, out: RequestRecords): void {
  const r = new WireReader(body);
  const f = new LogFields();
  const end = body.length;
  let ri = 0;
  while (r.pos < end) {
    const tag = r.tag(end);
    if (tag >>> 3 !== 1) {
      r.skip(tag, end);
      continue;
    }
    r.expect(tag, LENGTH);
    const e = r.length(end);
    resourceLogs(r, e, out, f, ri++);
    r.pos = e;
  }
}

/** One field's byte range, for fields read in a second pass. */
type Range = [number, number];

function resourceLogs(r: WireReader, end: number, out: RequestRecords, f: LogFields, ri: number) {
  const where = `resourceLogs[${ri}]`;
  const { head: resource, items: scopes } = container(r, end);
  const res = out.resource(
    resource
      ? attributes(
          list(obj(decodeResource(r.buf.subarray(...resource)), where), 'attributes', where),
          where,
        )
      : {},
  );
  for (let i = 0; i < scopes.length; i += 2) {
    r.pos = scopes[i];
    scopeLogs(r, scopes[i + 1], out, f, res);
  }
}

function scopeLogs(
  r: WireReader,
  end: number,
  out: RequestRecords,
  f: LogFields,
  res: ResourceInfo,
) {
  const { head: scope, items: records } = container(r, end);
  const s = scope ? obj(decodeScope(r.buf.subarray(...scope)), 'scope') : {};
  const info: ScopeInfo = out.scope(str(s, 'name', 'scope'), str(s, 'version', 'scope'));
  for (let i = 0; i < records.length; i += 2) {
    const index = out.nextIndex();
    if (index < 0) continue;
    r.pos = records[i];
    logRecord(r, records[i + 1], f, index);
    out.addFields(index, f, res, info);
  }
}

/**
 * Reads a ResourceLogs or ScopeLogs message up to `end`; both have one layout: field 1 the
 * resource or scope, field 2 repeated (scope logs or log records), field 3 schemaUrl
 * (skipped). Returns the byte range of field 1 (the last one, as protobuf merges) and those
 * of field 2, flat as [start, end, start, end, …] (one array a message, not one a record),
 * for a second pass once the head is known.
 */
function container(r: WireReader, end: number): { head: Range | null; items: number[] } {
  let head: Range | null = null;
  const items: number[] = [];
  while (r.pos < end) {
    const tag = r.tag(end);
    const field = tag >>> 3;
    if (field === 1 || field === 2) {
      r.expect(tag, LENGTH);
      const e = r.length(end);
      if (field === 1) head = [r.pos, e];
      else items.push(r.pos, e);
      r.pos = e;
    } else if (field === 3) {
      r.expect(tag, LENGTH);
      r.pos = r.string(end); // schemaUrl
    } else r.skip(tag, end);
  }
  return { head, items };
}

function logRecord(r: WireReader, end: number, f: LogFields, index: number): void {
  f.reset();
  const buf = r.buf;
  while (r.pos < end) {
    const tag = r.tag(end);
    switch (tag >>> 3) {
      case 1:
        r.expect(tag, FIXED64);
        f.timeNs = r.fixed64(end);
        break;
      case 11:
        r.expect(tag, FIXED64);
        f.observedNs = r.fixed64(end);
        break;
      case 2:
        r.expect(tag, VARINT);
        f.severityNumber = r.varint(end) | 0; // int32
        break;
      case 3:
        r.expect(tag, LENGTH);
        textField(r, end, f.severityText);
        break;
      case 12:
        r.expect(tag, LENGTH);
        textField(r, end, f.eventName);
        break;
      case 5: {
        r.expect(tag, LENGTH);
        const e = r.length(end);
        f.hasBody = anyValueText(r, e, f.body, index, null);
        r.pos = e;
        break;
      }
      case 6: {
        r.expect(tag, LENGTH);
        const e = r.length(end);
        keyValue(r, e, f, index);
        r.pos = e;
        break;
      }
      case 8:
        r.expect(tag, FIXED32);
        f.flags = r.fixed32(end);
        break;
      case 9:
      case 10: {
        r.expect(tag, LENGTH);
        const e = r.length(end);
        (tag >>> 3 === 9 ? f.traceId : f.spanId).setBytes(buf, r.pos, e);
        r.pos = e;
        break;
      }
      default:
        r.skip(tag, end); // droppedAttributesCount (7) and fields newer than this reader
    }
  }
}

function textField(r: WireReader, end: number, into: Text): void {
  const e = r.string(end);
  into.setBytes(r.buf, r.pos, e);
  r.pos = e;
}

/** A KeyValue as the next attribute (an absent value is `null`, as values.ts gives it). */
function keyValue(r: WireReader, end: number, f: LogFields, index: number): void {
  const i = f.addAttribute();
  const key = f.attrKeys[i].setText('');
  const value = f.attrValues[i].setText('null');
  let valueRange: Range | null = null;
  while (r.pos < end) {
    const tag = r.tag(end);
    const field = tag >>> 3;
    if (field === 1) {
      r.expect(tag, LENGTH);
      textField(r, end, key);
    } else if (field === 2) {
      r.expect(tag, LENGTH);
      const e = r.length(end);
      valueRange = [r.pos, e];
      r.pos = e;
    } else r.skip(tag, end);
  }
  if (valueRange) {
    r.pos = valueRange[0];
    if (!anyValueText(r, valueRange[1], value, index, key)) value.setText('null');
  }
}

const TWO_32 = 4294967296;

/**
 * An AnyValue as header or value text: a lone string as its bytes, a lone bool or int as
 * text; anything else through protobufjs and values.ts (JSON text). False when it holds
 * no value.
 */
function anyValueText(
  r: WireReader,
  end: number,
  into: Text,
  index: number,
  /** The attribute's key (for messages), null for the body. */
  key: Text | null,
): boolean {
  const start = r.pos;
  let fields = 0;
  let last = 0;
  let from = 0;
  let to = 0;
  let lo = 0;
  let hi = 0;
  while (r.pos < end) {
    const tag = r.tag(end);
    fields++;
    last = tag;
    if (tag === ((1 << 3) | LENGTH)) {
      to = r.string(end);
      from = r.pos;
      r.pos = to;
    } else if (tag === ((2 << 3) | VARINT) || tag === ((3 << 3) | VARINT)) {
      lo = r.varint(end);
      hi = r.hi;
    } else r.skip(tag, end);
  }
  if (fields === 0) return false;
  if (fields === 1) {
    if (last === ((1 << 3) | LENGTH)) {
      into.setBytes(r.buf, from, to);
      return true;
    }
    if (last === ((2 << 3) | VARINT)) {
      into.setText(lo !== 0 ? 'true' : 'false'); // protobufjs reads a bool as uint32
      return true;
    }
    if (last === ((3 << 3) | VARINT)) {
      into.setText(String((hi | 0) * TWO_32 + lo));
      return true;
    }
  }
  const where = `logRecord ${index}.${key ? `attributes.${key.toString()}` : 'body'}`;
  const v = anyValue(decodeAnyValue(r.buf.subarray(start, end)), where);
  if (v === null) return false;
  into.setText(asText(v));
  return true;
}
