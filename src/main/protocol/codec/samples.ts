/**
 * Deterministic sample messages built from the schemas: every field present in a version
 * gets a value of its type. Used by the codec tests (round trips) and the fuzzer (as seeds
 * to mutate), so both cover every version of every served API without hand-written bodies.
 */
import { fieldKey, inVersions, type Struct } from './compile';
import type { FieldSchema, MessageSchema } from './schema-types';

export function sampleMessage(schema: MessageSchema, version: number, seed = 0): Struct {
  return sampleStruct(schema.fields, schema, version, { n: seed });
}

function sampleStruct(
  fields: FieldSchema[],
  schema: MessageSchema,
  version: number,
  seed: { n: number },
): Struct {
  const out: Struct = {};
  for (const f of fields) {
    if (!inVersions(f.versions, version)) continue;
    out[fieldKey(f.name)] = sampleValue(f, f.type, schema, version, seed);
  }
  return out;
}

function structFields(f: FieldSchema, type: string, schema: MessageSchema): FieldSchema[] {
  return f.fields ?? schema.commonStructs?.find((s) => s.name === type)?.fields ?? [];
}

function sampleValue(
  f: FieldSchema,
  type: string,
  schema: MessageSchema,
  version: number,
  seed: { n: number },
): unknown {
  const n = ++seed.n;
  if (type.startsWith('[]')) {
    const elem = type.slice(2);
    return [0, 1].map(() => sampleValue(f, elem, schema, version, seed));
  }
  switch (type) {
    case 'bool':
      return n % 2 === 0;
    case 'int8':
      return (n % 100) - 50;
    case 'int16':
      return n * 7 - 300;
    case 'uint16':
      return n * 13;
    case 'int32':
      return n * 100_003 - 5;
    case 'uint32':
      return n * 100_003;
    case 'int64':
      return n * 2 ** 40 + 17;
    case 'float64':
      return n + 0.25;
    case 'uuid':
      return Buffer.alloc(16, n);
    case 'string':
      return `s${n}-é`;
    case 'bytes':
    case 'records':
      return Buffer.from(`b${n}`);
    default:
      return sampleStruct(structFields(f, type, schema), schema, version, seed);
  }
}
