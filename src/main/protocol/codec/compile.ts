/**
 * Turns one of Kafka's JSON message schemas plus a version into a decoder and an encoder
 * (closures built once per message and version, then cached by ./messages.ts). This is the
 * runtime counterpart of Kafka's generated `*Data` classes and follows the same rules:
 *
 *   - a field exists in a version when its `versions` range contains it; absent fields
 *     decode to their default and are not written;
 *   - in flexible versions strings, bytes and arrays are "compact" (uvarint length + 1),
 *     and every struct ends with a tagged-field section: uvarint count, then
 *     (uvarint tag, uvarint size, value)*; tags we don't know are skipped;
 *   - a field's `flexibleVersions` overrides the message's (the request header's ClientId);
 *   - `nullableVersions` allow -1 / 0 as null lengths.
 *
 * Decoded objects use lowerCamelCase keys (`ThrottleTimeMs` → `throttleTimeMs`); int64 is
 * a JS number; uuid is a 16-byte Buffer; bytes and records are slices of the frame.
 */
import { LogdockError } from '../../../common/errors';
import type { Reader } from './reader';
import { Writer } from './writer';
import type { FieldSchema, MessageSchema, StructSchema } from './schema-types';

export type Struct = Record<string, unknown>;

export interface Codec {
  read(r: Reader): Struct;
  write(w: Writer, value: Struct): void;
}

/** A version range from the schema: `3+`, `0-2`, `5`, or `none`. */
export function parseVersions(spec: string | undefined): [number, number] | null {
  if (spec === undefined || spec === 'none') return null;
  if (spec.endsWith('+')) return [Number(spec.slice(0, -1)), Infinity];
  const dash = spec.indexOf('-');
  if (dash > 0) return [Number(spec.slice(0, dash)), Number(spec.slice(dash + 1))];
  const n = Number(spec);
  return [n, n];
}

export function inVersions(spec: string | undefined, version: number): boolean {
  const range = parseVersions(spec);
  return range !== null && version >= range[0] && version <= range[1];
}

export function fieldKey(name: string): string {
  return name[0].toLowerCase() + name.slice(1);
}

interface FieldCodec {
  key: string;
  read(r: Reader): unknown;
  write(w: Writer, v: unknown): void;
  defaultValue(): unknown;
  isDefault(v: unknown): boolean;
}

const ZERO_UUID = Buffer.alloc(16);

interface Context {
  version: number;
  flexible: boolean;
  structs: Map<string, StructSchema>;
  message: string;
}

function primitiveDefault(f: FieldSchema, type: string, nullable: boolean): unknown {
  const d = f.default;
  switch (type) {
    case 'bool':
      return d === true || d === 'true';
    case 'int8':
    case 'int16':
    case 'uint16':
    case 'int32':
    case 'uint32':
    case 'int64':
    case 'float64':
      return d === undefined || d === '' ? 0 : Number(d);
    case 'string':
      // "null" defaults apply also in versions where the field is absent (not nullable there).
      if (d === 'null') return null;
      return d === undefined ? '' : String(d);
    case 'bytes':
    case 'records':
      return nullable || d === 'null' ? null : Buffer.alloc(0);
    case 'uuid':
      return ZERO_UUID;
    default:
      return undefined;
  }
}

function primitiveCodec(
  type: string,
  nullable: boolean,
  compact: boolean,
  what: string,
): Pick<FieldCodec, 'read' | 'write'> | null {
  switch (type) {
    case 'bool':
      return { read: (r) => r.readBool(what), write: (w, v) => w.writeBool(Boolean(v)) };
    case 'int8':
      return { read: (r) => r.readInt8(what), write: (w, v) => w.writeInt8(v as number) };
    case 'int16':
      return { read: (r) => r.readInt16(what), write: (w, v) => w.writeInt16(v as number) };
    case 'uint16':
      return { read: (r) => r.readUInt16(what), write: (w, v) => w.writeUInt16(v as number) };
    case 'int32':
      return { read: (r) => r.readInt32(what), write: (w, v) => w.writeInt32(v as number) };
    case 'uint32':
      return { read: (r) => r.readUInt32(what), write: (w, v) => w.writeUInt32(v as number) };
    case 'int64':
      return { read: (r) => r.readInt64(what), write: (w, v) => w.writeInt64(v as number) };
    case 'float64':
      return { read: (r) => r.readFloat64(what), write: (w, v) => w.writeFloat64(v as number) };
    case 'uuid':
      return {
        read: (r) => r.readUuid(what),
        write: (w, v) => w.writeRaw((v as Buffer | null) ?? ZERO_UUID),
      };
    case 'string': {
      const read = compact
        ? (r: Reader) => r.readCompactNullableString(what)
        : (r: Reader) => r.readNullableString(what);
      return {
        read: (r) => {
          const s = read(r);
          if (s === null && !nullable) throw nullError(what);
          return s;
        },
        write: (w, v) =>
          compact
            ? w.writeCompactNullableString((v as string | null) ?? (nullable ? null : ''))
            : w.writeNullableString((v as string | null) ?? (nullable ? null : '')),
      };
    }
    case 'bytes':
    case 'records': {
      const read = compact
        ? (r: Reader) => r.readCompactNullableBytes(what)
        : (r: Reader) => r.readNullableBytes(what);
      return {
        read: (r) => {
          const b = read(r);
          if (b === null && !nullable) throw nullError(what);
          return b;
        },
        write: (w, v) => {
          const b = (v as Buffer | null) ?? (nullable ? null : Buffer.alloc(0));
          if (compact) w.writeCompactNullableBytes(b);
          else w.writeNullableBytes(b);
        },
      };
    }
    default:
      return null;
  }
}

function nullError(what: string): LogdockError {
  return new LogdockError(
    'INVALID_ARGUMENT',
    `malformed request: ${what} is null but not nullable`,
  );
}

function compileField(f: FieldSchema, ctx: Context, path: string): FieldCodec {
  const { version } = ctx;
  const key = fieldKey(f.name);
  const what = `${path}.${f.name}`;
  const nullable = inVersions(f.nullableVersions, version);
  const compact =
    f.flexibleVersions !== undefined ? inVersions(f.flexibleVersions, version) : ctx.flexible;

  if (f.type.startsWith('[]')) {
    const elemType = f.type.slice(2);
    const elem = compileElement(elemType, f, ctx, what, compact);
    const defaultValue = () => (f.default === 'null' ? null : []);
    return {
      key,
      defaultValue,
      isDefault: (v) => v === null || v === undefined || (Array.isArray(v) && v.length === 0),
      read(r) {
        const n = r.readArrayLength(compact, what);
        if (n === null) {
          if (!nullable) throw nullError(what);
          return null;
        }
        const out = new Array<unknown>(n);
        for (let i = 0; i < n; i++) out[i] = elem.read(r);
        return out;
      },
      write(w, v) {
        const arr = (v as unknown[] | null | undefined) ?? (nullable ? null : []);
        w.writeArrayLength(arr === null ? null : arr.length, compact);
        if (arr) for (const item of arr) elem.write(w, item);
      },
    };
  }

  const prim = primitiveCodec(f.type, nullable, compact, what);
  if (prim) {
    const def = primitiveDefault(f, f.type, nullable);
    return {
      key,
      ...prim,
      defaultValue: () => def,
      isDefault: (v) =>
        v === undefined ||
        v === def ||
        (Buffer.isBuffer(v) && Buffer.isBuffer(def) && v.equals(def)) ||
        (Buffer.isBuffer(v) && def === null && v.length === 0 && f.type !== 'uuid'),
    };
  }

  // A single nested struct (inline fields or a common struct).
  const struct = compileStruct(structFields(f, f.type, ctx), ctx, what);
  return {
    key,
    defaultValue: () => (f.default === 'null' ? null : struct.defaults()),
    isDefault: (v) => v === undefined || v === null,
    read(r) {
      if (nullable && r.readInt8(what) < 0) return null;
      return struct.read(r);
    },
    write(w, v) {
      if (nullable) {
        if (v === null || v === undefined) {
          w.writeInt8(-1);
          return;
        }
        w.writeInt8(1);
      }
      struct.write(w, (v as Struct | undefined) ?? struct.defaults());
    },
  };
}

function structFields(f: FieldSchema, typeName: string, ctx: Context): FieldSchema[] {
  if (f.fields) return f.fields;
  const common = ctx.structs.get(typeName);
  if (!common) {
    throw new LogdockError(
      'INTERNAL',
      `schema ${ctx.message}: unknown type ${typeName} of field ${f.name}`,
    );
  }
  return common.fields;
}

function compileElement(
  elemType: string,
  f: FieldSchema,
  ctx: Context,
  what: string,
  compact: boolean,
): Pick<FieldCodec, 'read' | 'write'> {
  const prim = primitiveCodec(elemType, false, compact, `${what}[]`);
  if (prim) return prim;
  const struct = compileStruct(structFields(f, elemType, ctx), ctx, `${what}[]`);
  return { read: (r) => struct.read(r), write: (w, v) => struct.write(w, v as Struct) };
}

interface StructCodec extends Codec {
  defaults(): Struct;
}

function compileStruct(fields: FieldSchema[], ctx: Context, path: string): StructCodec {
  const { version, flexible } = ctx;
  const present = fields.filter((f) => inVersions(f.versions, version));
  const absent = fields.filter((f) => !inVersions(f.versions, version));
  const tagged = flexible ? present.filter((f) => inVersions(f.taggedVersions, version)) : [];
  const regular = present.filter((f) => !tagged.includes(f));
  const regularCodecs = regular.map((f) => compileField(f, ctx, path));
  const taggedCodecs = new Map<number, FieldCodec>();
  for (const f of tagged.sort((a, b) => (a.tag ?? 0) - (b.tag ?? 0))) {
    taggedCodecs.set(f.tag ?? 0, compileField(f, ctx, path));
  }
  // Absent fields still get their defaults so handlers see one shape across versions.
  const absentCodecs = absent.map((f) => compileField(f, ctx, path));

  const defaults = (): Struct => {
    const out: Struct = {};
    for (const c of regularCodecs) out[c.key] = c.defaultValue();
    for (const c of taggedCodecs.values()) out[c.key] = c.defaultValue();
    for (const c of absentCodecs) out[c.key] = c.defaultValue();
    return out;
  };

  return {
    defaults,
    read(r) {
      const out: Struct = {};
      for (const c of absentCodecs) out[c.key] = c.defaultValue();
      for (const c of taggedCodecs.values()) out[c.key] = c.defaultValue();
      for (const c of regularCodecs) out[c.key] = c.read(r);
      if (flexible) {
        const count = r.readTaggedCount(`${path} tagged fields`);
        for (let i = 0; i < count; i++) {
          const tag = r.readUVarint(`${path} tag`);
          const size = r.readUVarint(`${path} tag ${tag} size`);
          const c = taggedCodecs.get(tag);
          if (!c) {
            r.skip(size, `${path} unknown tag ${tag}`);
            continue;
          }
          const end = r.position + size;
          r.need(size, `${path} tag ${tag}`);
          out[c.key] = c.read(r);
          if (r.position !== end) {
            throw new LogdockError(
              'INVALID_ARGUMENT',
              `malformed request: ${path} tagged field ${tag} has size ${size} but its value took ${r.position - end + size}`,
            );
          }
        }
      }
      return out;
    },
    write(w, value) {
      for (const c of regularCodecs) {
        const v = value[c.key];
        c.write(w, v === undefined ? c.defaultValue() : v);
      }
      if (flexible) {
        const toWrite: [number, FieldCodec, unknown][] = [];
        for (const [tag, c] of taggedCodecs) {
          const v = value[c.key];
          if (!c.isDefault(v)) toWrite.push([tag, c, v]);
        }
        w.writeUVarint(toWrite.length);
        for (const [tag, c, v] of toWrite) {
          const inner = new Writer();
          c.write(inner, v);
          const bytes = inner.toBuffer();
          w.writeUVarint(tag).writeUVarint(bytes.length).writeRaw(bytes);
        }
      }
    },
  };
}

/** Compiles `schema` at `version`; throws INTERNAL when the schema itself is inconsistent. */
export function compileMessage(schema: MessageSchema, version: number): Codec {
  const structs = new Map<string, StructSchema>();
  for (const s of schema.commonStructs ?? []) structs.set(s.name, s);
  const ctx: Context = {
    version,
    flexible: inVersions(schema.flexibleVersions, version),
    structs,
    message: schema.name,
  };
  return compileStruct(schema.fields, ctx, `${schema.name} v${version}`);
}
