/**
 * Reading OTLP values from either decoder's output. protobufjs sets only the fields present
 * on the wire as own properties (defaults live on the prototype), and OTLP/JSON objects
 * carry only what the sender wrote, so "is this field set" is `Object.hasOwn` for both. The
 * two differ in three ways handled here: 64-bit integers (protobufjs `Long` vs JSON string
 * or number), bytes (Uint8Array vs base64 text) and trace/span ids (Uint8Array vs hex
 * text, as the OTLP/JSON mapping requires). Anything of the wrong type is a malformed
 * request: `OtlpInputError` becomes a 400 answer.
 */

export class OtlpInputError extends Error {}

export type Obj = Record<string, unknown>;

export function has(o: Obj, field: string): boolean {
  return Object.hasOwn(o, field) && o[field] !== null && o[field] !== undefined;
}

export function obj(v: unknown, what: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || ArrayBuffer.isView(v))
    throw new OtlpInputError(`${what} must be an object`);
  return v as Obj;
}

/** A repeated field: absent is empty. */
export function list(o: Obj, field: string, what: string): unknown[] {
  if (!has(o, field)) return [];
  const v = o[field];
  if (!Array.isArray(v)) throw new OtlpInputError(`${what}.${field} must be an array`);
  return v;
}

export function str(o: Obj, field: string, what: string): string {
  if (!has(o, field)) return '';
  const v = o[field];
  if (typeof v !== 'string') throw new OtlpInputError(`${what}.${field} must be a string`);
  return v;
}

/** An int64/fixed64 as a JS number (exact up to 2^53, close enough beyond for nanoseconds). */
export function int64(o: Obj, field: string, what: string): number {
  if (!has(o, field)) return 0;
  const v = o[field];
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^-?\d{1,20}$/.test(v)) return Number(v);
  if (typeof v === 'object' && v !== null && 'low' in v && 'high' in v) {
    const { low, high, unsigned } = v as { low: number; high: number; unsigned?: boolean };
    return (unsigned ? high >>> 0 : high) * 4294967296 + (low >>> 0);
  }
  throw new OtlpInputError(`${what}.${field} must be an integer`);
}

/** Shared by every absent bytes field (read, never written). */
const NO_BYTES = Buffer.alloc(0);

/** Bytes: protobufjs gives Uint8Array, OTLP/JSON base64 (`bytesValue`) or hex (ids). */
export function bytes(o: Obj, field: string, what: string, text: 'base64' | 'hex'): Buffer {
  if (!has(o, field)) return NO_BYTES;
  const v = o[field];
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  if (typeof v === 'string') {
    if (text === 'hex' && !/^(?:[0-9a-fA-F]{2})*$/.test(v))
      throw new OtlpInputError(`${what}.${field} must be hex`);
    return Buffer.from(v, text);
  }
  throw new OtlpInputError(`${what}.${field} must be ${text} bytes`);
}

/** An AnyValue as plain JSON-able data (bytes as base64 text). */
export function anyValue(v: unknown, what: string, depth = 0): unknown {
  if (depth > 32) throw new OtlpInputError(`${what} is nested more than 32 levels`);
  const o = obj(v, what);
  if (has(o, 'stringValue')) return str(o, 'stringValue', what);
  if (has(o, 'boolValue')) {
    if (typeof o.boolValue !== 'boolean')
      throw new OtlpInputError(`${what}.boolValue must be a boolean`);
    return o.boolValue;
  }
  if (has(o, 'intValue')) return int64(o, 'intValue', what);
  if (has(o, 'doubleValue')) {
    const d = o.doubleValue;
    if (typeof d === 'number') return d;
    if (typeof d === 'string' && ['NaN', 'Infinity', '-Infinity'].includes(d)) return d;
    throw new OtlpInputError(`${what}.doubleValue must be a number`);
  }
  if (has(o, 'arrayValue')) {
    const a = obj(o.arrayValue, `${what}.arrayValue`);
    return list(a, 'values', what).map((x, i) => anyValue(x, `${what}[${i}]`, depth + 1));
  }
  if (has(o, 'kvlistValue')) {
    return attributes(list(obj(o.kvlistValue, what), 'values', what), what, depth + 1);
  }
  if (has(o, 'bytesValue')) return bytes(o, 'bytesValue', what, 'base64').toString('base64');
  return null;
}

/** A list of KeyValue as an object (a repeated key keeps its last value). */
export function attributes(kvs: unknown[], what: string, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < kvs.length; i++) {
    const kv = obj(kvs[i], `${what}[${i}]`);
    const key = str(kv, 'key', `${what}[${i}]`);
    out[key] = has(kv, 'value') ? anyValue(kv.value, `${what}.${key}`, depth) : null;
  }
  return out;
}

/** A value as header text: strings as they are, everything else as JSON. */
export function asText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}
