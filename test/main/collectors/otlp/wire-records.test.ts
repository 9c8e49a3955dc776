import { describe, expect, it } from 'vitest';
import { addObjectRecords } from '../../../../src/main/collectors/otlp/object-records';
import { decodeRequestProto, encodeRequestProto } from '../../../../src/main/collectors/otlp/proto';
import { RequestRecords, type BuildOptions } from '../../../../src/main/collectors/otlp/records';
import { addWireRecords } from '../../../../src/main/collectors/otlp/wire-records';
import { ProtoError } from '../../../../src/main/collectors/otlp/wire';
import { decodeRecordBatch, iterateBatches } from '../../../../src/main/storage/record-batch';

const options = (extra: Partial<BuildOptions> = {}): BuildOptions => ({
  sourceId: 'otel',
  topic: 'otel-logs',
  topicPerService: false,
  fields: 'headers',
  maxRecordBytes: 1024 * 1024,
  digest: '0123456789abcdef0123',
  now: 1_700_000_000_000,
  maxBatchBytes: () => 1024 * 1024,
  ...extra,
});

/** Every record of every run, decoded from the batches as the log would store them. */
function stored(out: RequestRecords) {
  return out.runs.flatMap((run) => {
    const bytes = run.writer.take();
    const records = [];
    for (const { position, size } of iterateBatches(bytes))
      records.push(...decodeRecordBatch(bytes.subarray(position, position + size)).records);
    return records.map((r) => ({
      topic: run.topic,
      key: r.key?.toString() ?? null,
      value: r.value?.toString(),
      timestamp: r.timestamp,
      headers: r.headers.map((h) => [h.key, h.value?.toString()]),
    }));
  });
}

function both(request: object, extra: Partial<BuildOptions> = {}) {
  const bytes = Buffer.from(encodeRequestProto(request));
  const wire = new RequestRecords(options(extra));
  addWireRecords(bytes, wire);
  const object = new RequestRecords(options(extra));
  addObjectRecords(decodeRequestProto(bytes), object);
  return { wire, object };
}

const kv = (key: string, value: object) => ({ key, value });
const request = {
  resourceLogs: [
    {
      resource: {
        attributes: [
          kv('service.name', { stringValue: 'checkout' }),
          kv('host.cpus', { intValue: 8 }),
          kv('tags', { arrayValue: { values: [{ stringValue: 'a' }, { boolValue: true }] } }),
        ],
      },
      scopeLogs: [
        {
          scope: { name: 'payments', version: '1.2.3' },
          logRecords: [
            {
              timeUnixNano: '1700000000123456789',
              observedTimeUnixNano: '1700000000999000000',
              severityNumber: 17,
              severityText: 'ERROR',
              body: { stringValue: 'paiement refusé ✓' },
              attributes: [
                kv('order.id', { intValue: '-42' }),
                kv('retry', { boolValue: false }),
                kv('ratio', { doubleValue: 0.25 }),
                kv('raw', { bytesValue: Buffer.from([1, 2, 255]) }),
                kv('map', { kvlistValue: { values: [kv('x', { stringValue: 'y' })] } }),
                kv('empty', {}),
                kv('1', { stringValue: 'numeric key' }),
              ],
              traceId: Buffer.from('5b8efff798038103d269b633813fc60c', 'hex'),
              spanId: Buffer.from('eee19b7ec3c1b174', 'hex'),
              flags: 1,
              eventName: 'payment.refused',
            },
            { body: { kvlistValue: { values: [kv('nested', { intValue: 7 })] } } },
            { severityNumber: 30, severityText: 'Notice', body: { doubleValue: 1.5 } },
            { observedTimeUnixNano: '1700000005000000000' },
          ],
        },
        {
          logRecords: [{ body: { stringValue: 'no scope' }, traceId: Buffer.from('abcd', 'hex') }],
        },
      ],
    },
    {
      resource: { attributes: [kv('service.name', { stringValue: 'db' })] },
      scopeLogs: [{ logRecords: [{ body: { boolValue: true }, severityNumber: 5 }] }],
    },
  ],
};

describe('OTLP protobuf read straight from its wire bytes', () => {
  it('gives the same records, headers and rejections as the protobufjs-decoded path', () => {
    const { wire, object } = both(request);
    const records = stored(wire);
    expect(records).toEqual(stored(object));
    expect(records).toHaveLength(5);
    expect([wire.total, wire.rejected, wire.rejectReason]).toEqual([
      object.total,
      object.rejected,
      object.rejectReason,
    ]);
    expect(wire.rejectReason).toMatch(/logRecord 4: trace id of 2 bytes/);
    const first = records[0];
    expect(first).toMatchObject({
      key: 'checkout',
      value: 'paiement refusé ✓',
      timestamp: 1700000000123,
    });
    expect(Object.fromEntries(first.headers)).toMatchObject({
      'logdock.source': 'otel',
      'logdock.request': '0123456789abcdef0123:0',
      level: 'error',
      'otel.trace_id': '5b8efff798038103d269b633813fc60c',
      'otel.span_id': 'eee19b7ec3c1b174',
      'otel.scope': 'payments',
      'otel.observed_time': '2023-11-14T22:13:20.999Z',
      'resource.tags': '["a",true]',
      'attr.order.id': '-42',
      'attr.retry': 'false',
      'attr.raw': 'AQL/',
      'attr.map': '{"x":"y"}',
      'attr.empty': 'null',
    });
    expect(records[3]).toMatchObject({ timestamp: 1700000005000, value: '' });
    expect(records[4]).toMatchObject({ key: 'db', value: 'true' });
  });

  it('skips the records an earlier attempt stored and splits runs by topic per service', () => {
    const { wire, object } = both(request, { topicPerService: true, skip: new Set([0, 2]) });
    const records = stored(wire);
    expect(records).toEqual(stored(object));
    expect(records.map((r) => [r.topic, r.headers[1][1]])).toEqual([
      ['otel-logs.checkout', '0123456789abcdef0123:1'],
      ['otel-logs.checkout', '0123456789abcdef0123:3'],
      ['otel-logs.db', '0123456789abcdef0123:5'],
    ]);
  });

  it('rejects records over maxRecordBytes and closes batches at maxBatchBytes', () => {
    const many = {
      resourceLogs: [
        {
          scopeLogs: [
            {
              logRecords: Array.from({ length: 300 }, (_, i) => ({
                body: { stringValue: i === 7 ? 'x'.repeat(5000) : `record ${i} `.repeat(20) },
              })),
            },
          ],
        },
      ],
    };
    const out = new RequestRecords(options({ maxRecordBytes: 4000, maxBatchBytes: () => 16384 }));
    addWireRecords(Buffer.from(encodeRequestProto(many)), out);
    expect(out.rejected).toBe(1);
    expect(out.rejectReason).toMatch(/logRecord 7: \d+ bytes, more than the 4000/);
    const bytes = out.runs[0].writer.take();
    const batches = [...iterateBatches(bytes)];
    expect(batches.length).toBeGreaterThan(3);
    for (const b of batches) expect(b.size).toBeLessThanOrEqual(16384);
    const values = batches.flatMap((b) =>
      decodeRecordBatch(bytes.subarray(b.position, b.position + b.size)).records.map((r) =>
        r.value?.toString(),
      ),
    );
    expect(values).toHaveLength(299);
    expect(values[7]).toBe('record 8 '.repeat(20));
  });

  it('writes a record with more headers than a one-byte count holds', () => {
    const attributes = Array.from({ length: 100 }, (_, i) => kv(`k${i}`, { intValue: i }));
    const { wire, object } = both({
      resourceLogs: [
        {
          scopeLogs: [
            {
              logRecords: [
                { body: { stringValue: 'wide' }, attributes },
                { body: { stringValue: 'next' } },
              ],
            },
          ],
        },
      ],
    });
    const records = stored(wire);
    expect(records).toEqual(stored(object));
    expect(records[0].headers.filter(([k]) => k?.startsWith('attr.'))).toHaveLength(100);
    expect(Object.fromEntries(records[0].headers)['attr.k99']).toBe('99');
    expect(records[1].value).toBe('next');
  });

  it('refuses truncated bytes, invalid UTF-8, wrong wire types and overlong varints', () => {
    const good = Buffer.from(encodeRequestProto(request));
    const bad = [
      good.subarray(0, good.length - 3),
      Buffer.from([0x0a, 0x05, 0x12, 0x03, 0x12, 0x01, 0x1a]),
      // resourceLogs > scopeLogs > logRecords > severityText of bytes C3 28 (not UTF-8)
      Buffer.from([0x0a, 0x08, 0x12, 0x06, 0x12, 0x04, 0x1a, 0x02, 0xc3, 0x28]),
      // timeUnixNano (fixed64) sent as a varint
      Buffer.from([0x0a, 0x06, 0x12, 0x04, 0x12, 0x02, 0x08, 0x01]),
      Buffer.from([0x0a, ...Array(11).fill(0xff)]),
      Buffer.from([0x00]),
    ];
    for (const bytes of bad) {
      expect(
        () => addWireRecords(bytes, new RequestRecords(options())),
        bytes.toString('hex'),
      ).toThrow(ProtoError);
    }
  });

  it('skips fields it does not know, as protobuf requires', () => {
    const plain = Buffer.from(
      encodeRequestProto({
        resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: 'kept' } }] }] }],
      }),
    );
    // An unknown field 15 (varint 1) and 14 (bytes "zz") at the request's top level.
    const bytes = Buffer.concat([Buffer.from([0x78, 0x01, 0x72, 0x02, 0x7a, 0x7a]), plain]);
    const out = new RequestRecords(options());
    addWireRecords(bytes, out);
    expect(stored(out).map((r) => r.value)).toEqual(['kept']);
  });
});
