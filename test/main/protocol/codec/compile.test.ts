import { describe, expect, it } from 'vitest';
import { LogdockError } from '../../../../src/common/errors';
import {
  compileMessage,
  parseVersions,
  type Struct,
} from '../../../../src/main/protocol/codec/compile';
import { sampleMessage } from '../../../../src/main/protocol/codec/samples';
import { APIS } from '../../../../src/main/protocol/codec/messages';
import { Reader } from '../../../../src/main/protocol/codec/reader';
import type { MessageSchema } from '../../../../src/main/protocol/codec/schema-types';
import { Writer } from '../../../../src/main/protocol/codec/writer';

/** True when every key of `expected` (recursively) has an equal value in `actual`. */
function expectContains(actual: unknown, expected: unknown, path = '$'): void {
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual), path).toBe(true);
    expect((actual as unknown[]).length, path).toBe(expected.length);
    expected.forEach((e, i) => expectContains((actual as unknown[])[i], e, `${path}[${i}]`));
  } else if (Buffer.isBuffer(expected)) {
    expect(Buffer.isBuffer(actual) && actual.equals(expected), path).toBe(true);
  } else if (expected && typeof expected === 'object') {
    for (const [k, v] of Object.entries(expected))
      expectContains((actual as Struct)[k], v, `${path}.${k}`);
  } else {
    expect(actual, path).toEqual(expected);
  }
}

function encode(schema: MessageSchema, version: number, value: Struct): Buffer {
  const w = new Writer();
  compileMessage(schema, version).write(w, value);
  return w.toBuffer();
}

describe('schema-driven codec', () => {
  it('parses the version ranges used by the schemas', () => {
    expect(parseVersions('3+')).toEqual([3, Infinity]);
    expect(parseVersions('0-7')).toEqual([0, 7]);
    expect(parseVersions('1')).toEqual([1, 1]);
    expect(parseVersions('none')).toBeNull();
  });

  const cases = [...APIS.values()].flatMap((api) =>
    [api.request, api.response].flatMap((schema) =>
      Array.from({ length: api.maxVersion - api.minVersion + 1 }, (_, i) => ({
        schema,
        version: api.minVersion + i,
      })),
    ),
  );

  it.each(cases.map((c) => [c.schema.name, c.version, c] as const))(
    'round-trips %s v%i with every field set and nothing left over',
    (_name, _v, { schema, version }) => {
      const value = sampleMessage(schema, version);
      const bytes = encode(schema, version, value);
      const r = new Reader(bytes);
      const decoded = compileMessage(schema, version).read(r);
      expect(r.remaining).toBe(0);
      expectContains(decoded, value);
      expect(encode(schema, version, decoded).equals(bytes)).toBe(true);
    },
  );

  it('skips unknown tagged fields in every flexible struct', () => {
    const api = [...APIS.values()].find((a) => a.name === 'ApiVersions');
    const schema = api!.response;
    // ApiVersionsResponse v3 = errorCode, apiKeys (compact array of structs, each with
    // tagged fields), throttleTimeMs, then top-level tagged fields.
    const w = new Writer();
    w.writeInt16(0);
    w.writeUVarint(2); // one element
    w.writeInt16(18).writeInt16(0).writeInt16(3);
    w.writeUVarint(1).writeUVarint(99).writeUVarint(3).writeRaw(Buffer.from('xyz')); // unknown tag in element
    w.writeInt32(5);
    w.writeUVarint(2);
    w.writeUVarint(1).writeUVarint(8).writeInt64(42); // known tag 1: FinalizedFeaturesEpoch
    w.writeUVarint(77).writeUVarint(2).writeInt16(7); // unknown tag 77
    const r = new Reader(w.toBuffer());
    const decoded = compileMessage(schema, 3).read(r);
    expect(r.remaining).toBe(0);
    expect(decoded.apiKeys).toEqual([{ apiKey: 18, minVersion: 0, maxVersion: 3 }]);
    expect(decoded.throttleTimeMs).toBe(5);
    expect(decoded.finalizedFeaturesEpoch).toBe(42);
  });

  it('gives fields absent from a version their schema defaults', () => {
    const schema = APIS.get(3)!.request; // Metadata
    const w = new Writer();
    w.writeInt32(1).writeNullableString('logs');
    const decoded = compileMessage(schema, 0).read(new Reader(w.toBuffer()));
    expect(decoded).toMatchObject({ topics: [{ name: 'logs' }], allowAutoTopicCreation: true });
  });

  it('rejects a truncated message with an error naming the field', () => {
    const schema = APIS.get(3)!.request;
    const bytes = encode(schema, 1, { topics: [{ name: 'a-topic-name' }] });
    const cut = bytes.subarray(0, bytes.length - 3);
    expect(() => compileMessage(schema, 1).read(new Reader(cut))).toThrow(
      /MetadataRequest v1\.Topics\[\]\.Name/,
    );
  });

  it('refuses an array count larger than the bytes left, before allocating', () => {
    const schema = APIS.get(3)!.request;
    const w = new Writer();
    w.writeInt32(0x7fffffff);
    let caught: unknown;
    try {
      compileMessage(schema, 1).read(new Reader(w.toBuffer()));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(LogdockError);
    expect((caught as LogdockError).code).toBe('INVALID_ARGUMENT');
    expect((caught as LogdockError).message).toMatch(/claims 2147483647 elements/);
  });

  it('rejects null in a field that is not nullable in that version', () => {
    const schema = APIS.get(3)!.request;
    const w = new Writer();
    w.writeInt32(1).writeNullableString(null); // Metadata v1 topic name is not nullable
    expect(() => compileMessage(schema, 1).read(new Reader(w.toBuffer()))).toThrow(
      /null but not nullable/,
    );
  });
});
