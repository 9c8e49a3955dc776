import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { StoredRecord } from '../../../../src/main/storage/api';
import { join } from 'node:path';
import { CollectorManager } from '../../../../src/main/collectors';
import { encodeRequestProto } from '../../../../src/main/collectors/otlp/proto';
import { requestDigest } from '../../../../src/main/collectors/otlp/requests';
import { checkStoredBatches, closedByPeer, connected, useCollectors, waitFor } from '../helpers';
import { SeverityNumber, sdkSender } from './sdk';
import { LocalCluster } from '../../../../src/main/cluster';

const fx = useCollectors();

async function addReceiver(extra: Record<string, unknown> = {}): Promise<string> {
  const view = await fx.manager.add({
    type: 'otlp',
    id: 'otel',
    topic: 'otel-logs',
    port: 0,
    ...extra,
  });
  return `http://127.0.0.1:${view.status.listening?.tcp}/v1/logs`;
}

async function readAll(topic: string): Promise<StoredRecord[]> {
  const out: StoredRecord[] = [];
  for (const p of fx.broker.describeTopic(topic).partitions) {
    let offset = p.logStartOffset;
    while (offset < p.logEndOffset) {
      const rs = await fx.broker.readRecords(topic, p.partition, offset, { maxRecords: 5000 });
      out.push(...rs);
      offset = rs[rs.length - 1].offset + 1;
    }
  }
  return out;
}

const header = (r: StoredRecord, key: string) =>
  r.headers.find((h) => h.key === key)?.value?.toString();

function post(
  url: string,
  body: Buffer | string,
  headers: Record<string, string>,
): Promise<{ status: number; body: Buffer; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), headers: res.headers }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

const jsonRequest = (records: object[], service = 'svc') => ({
  resourceLogs: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
      scopeLogs: [{ scope: { name: 'raw' }, logRecords: records }],
    },
  ],
});

describe('OTLP logs receiver', () => {
  for (const [protocol, gzip] of [
    ['proto', false],
    ['proto', true],
    ['json', false],
    ['json', true],
  ] as const) {
    it(`stores what the OpenTelemetry SDK sends over ${protocol}${gzip ? ' with gzip' : ''}, keyed by service.name with level, time, attributes and trace ids, in batches that pass a client's full check`, async () => {
      const url = await addReceiver();
      const { provider, failed } = sdkSender({ url, protocol, gzip, service: 'checkout' });
      const logger = provider.getLogger('payments', '1.2.3');
      const time = new Date('2026-03-04T05:06:07.089Z');
      for (let i = 0; i < 1200; i++) {
        logger.emit({
          timestamp: time,
          severityNumber: i % 2 ? SeverityNumber.WARN : SeverityNumber.ERROR2,
          severityText: i % 2 ? 'WARN' : 'ERROR',
          body: i === 0 ? { nested: [1, 'two'] } : `payment ${i}`,
          attributes: { 'order.id': i, retry: i % 3 === 0 },
          context: undefined,
        });
      }
      await provider.forceFlush();
      await provider.shutdown();
      expect(failed()).toBe(0);
      const records = await readAll('otel-logs');
      expect(records).toHaveLength(1200);
      const bodies = records.map((r) => r.value?.toString());
      expect(new Set(bodies).size).toBe(1200);
      expect(JSON.parse(bodies.find((b) => b?.startsWith('{')) ?? '')).toEqual({
        nested: [1, 'two'],
      });
      const r = records.find((x) => x.value?.toString() === 'payment 3')!;
      expect(r.key?.toString()).toBe('checkout');
      expect(r.timestamp).toBe(time.getTime());
      expect(header(r, 'level')).toBe('warn');
      expect(header(r, 'otel.severity_text')).toBe('WARN');
      expect(header(r, 'otel.scope')).toBe('payments');
      expect(header(r, 'otel.scope_version')).toBe('1.2.3');
      expect(header(r, 'attr.order.id')).toBe('3');
      expect(header(r, 'attr.retry')).toBe('true');
      expect(header(r, 'resource.service.name')).toBe('checkout');
      expect(header(r, 'resource.host.name')).toBe('ws-1');
      expect(
        header(
          records.find((x) => x.value?.toString() === 'payment 4')!,
          'level',
        ),
      ).toBe('error');
      expect(await checkStoredBatches(fx.broker, 'otel-logs')).toBeGreaterThan(0);
    });
  }

  it('keeps trace and span ids and answers a partial success for records it rejects', async () => {
    const url = await addReceiver();
    const good = {
      timeUnixNano: '1700000000123456789',
      severityNumber: 9,
      body: { stringValue: 'traced' },
      traceId: '5b8efff798038103d269b633813fc60c',
      spanId: 'eee19b7ec3c1b174',
      flags: 1,
    };
    const badTrace = { body: { stringValue: 'bad' }, traceId: 'abcd' };
    const res = await post(url, JSON.stringify(jsonRequest([good, badTrace])), {
      'content-type': 'application/json',
    });
    expect(res.status).toBe(200);
    const answer = JSON.parse(res.body.toString());
    expect(answer.partialSuccess.rejectedLogRecords).toBe('1');
    expect(answer.partialSuccess.errorMessage).toMatch(/trace id of 2 bytes/);
    const [r, ...rest] = await readAll('otel-logs');
    expect(rest).toHaveLength(0);
    expect(r.timestamp).toBe(1700000000123);
    expect(header(r, 'otel.trace_id')).toBe('5b8efff798038103d269b633813fc60c');
    expect(header(r, 'otel.span_id')).toBe('eee19b7ec3c1b174');
    expect(header(r, 'otel.trace_flags')).toBe('1');
    expect(header(r, 'level')).toBe('info');
  });

  it('stores a retried request once, even when the retry is gzipped differently', async () => {
    const url = await addReceiver();
    const body = Buffer.from(encodeRequestProto(jsonRequest([{ body: { stringValue: 'once' } }])));
    const type = { 'content-type': 'application/x-protobuf' };
    expect((await post(url, body, type)).status).toBe(200);
    const again = await post(url, gzipSync(body), { ...type, 'content-encoding': 'gzip' });
    expect(again.status).toBe(200);
    expect(await readAll('otel-logs')).toHaveLength(1);
  });

  it('after a restart, stores only the records of a retried request that a crash kept from being stored', async () => {
    await addReceiver();
    const records = Array.from({ length: 10 }, (_, i) => ({ body: { stringValue: `r${i}` } }));
    const body = Buffer.from(encodeRequestProto(jsonRequest(records)));
    // What a crash in the middle of storing this request leaves: its first 4 records.
    const digest = requestDigest(body);
    await fx.broker.send(
      records.slice(0, 4).map((r, i) => ({
        topic: 'otel-logs',
        key: null,
        value: Buffer.from(r.body.stringValue),
        headers: [
          { key: 'logdock.source', value: Buffer.from('otel') },
          { key: 'logdock.request', value: Buffer.from(`${digest}:${i}`) },
        ],
      })),
    );
    await fx.manager.close();
    const manager = new CollectorManager({
      cluster: new LocalCluster(fx.broker),
      dataDir: join(fx.dir, 'data'),
    });
    await manager.start();
    try {
      const port = manager.list()[0].status.listening?.tcp;
      const url = `http://127.0.0.1:${port}/v1/logs`;
      const type = { 'content-type': 'application/x-protobuf' };
      expect((await post(url, body, type)).status).toBe(200);
      expect((await post(url, body, type)).status).toBe(200);
      const values = (await readAll('otel-logs')).map((r) => r.value?.toString());
      expect(values).toEqual(records.map((r) => r.body.stringValue));
    } finally {
      await manager.close();
    }
  });

  it('writes one topic per service.name when asked, and the whole record as JSON with fields: value', async () => {
    const url = await addReceiver({ topicPerService: true, fields: 'value' });
    const req = {
      resourceLogs: [
        ...jsonRequest(
          [{ body: { stringValue: 'a' }, attributes: [{ key: 'k', value: { intValue: '7' } }] }],
          'web/front',
        ).resourceLogs,
        ...jsonRequest([{ body: { stringValue: 'b' } }], 'db').resourceLogs,
      ],
    };
    const res = await post(url, JSON.stringify(req), { 'content-type': 'application/json' });
    expect(res.status).toBe(200);
    const [web] = await readAll('otel-logs.web_front');
    expect(JSON.parse(web.value!.toString())).toMatchObject({
      body: 'a',
      attributes: { k: 7 },
      resource: { 'service.name': 'web/front' },
      scope: { name: 'raw' },
    });
    expect(web.key?.toString()).toBe('web/front');
    expect(await readAll('otel-logs.db')).toHaveLength(1);
  });

  it('refuses malformed, oversized, wrongly typed and misaddressed requests with a clear status and keeps serving', async () => {
    const url = await addReceiver({ maxRequestBytes: 4096 });
    const proto = { 'content-type': 'application/x-protobuf' };
    const json = { 'content-type': 'application/json' };
    const garbage = await post(url, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 1, 2]), proto);
    expect(garbage.status).toBe(400);
    expect(garbage.body.toString()).toMatch(/malformed protobuf/);
    const badJson = await post(url, '{"resourceLogs": [', json);
    expect(badJson.status).toBe(400);
    expect(JSON.parse(badJson.body.toString()).message).toMatch(/malformed json/);
    const wrongShape = await post(
      url,
      JSON.stringify({ resourceLogs: [{ scopeLogs: 'x' }] }),
      json,
    );
    expect(wrongShape.status).toBe(400);
    expect(JSON.parse(wrongShape.body.toString()).message).toMatch(/scopeLogs must be an array/);
    expect((await post(url, Buffer.alloc(5000), proto)).status).toBe(413);
    const bomb = gzipSync(Buffer.alloc(1024 * 1024));
    const bombed = await post(url, bomb, { ...proto, 'content-encoding': 'gzip' });
    expect(bombed.status).toBe(413);
    expect(bombed.body.toString()).toMatch(/limit of 4096 bytes/);
    expect((await post(url, 'x', { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await post(url, 'x', { ...proto, 'content-encoding': 'br' })).status).toBe(415);
    expect((await post(url.replace('/v1/logs', '/v1/traces'), 'x', proto)).status).toBe(404);
    const ok = await post(
      url,
      JSON.stringify(jsonRequest([{ body: { stringValue: 'still up' } }])),
      json,
    );
    expect(ok.status).toBe(200);
    await waitFor('the one good record', async () => (await readAll('otel-logs')).length === 1);
  });
  it('counts request bodies still arriving against its 64 MiB in-flight bound, answering 429 beyond it', async () => {
    const url = await addReceiver();
    const port = Number(new URL(url).port);
    // Six clients each send 15 MiB of a 16 MiB body and stop: 90 MiB if all were held.
    const part = Buffer.alloc(15 * 1024 * 1024, 1);
    const hogs = await Promise.all([0, 1, 2, 3, 4, 5].map(() => connected(port)));
    const answers = hogs.map(() => '');
    hogs.forEach((h, i) => {
      h.on('error', () => {});
      h.on('data', (d: Buffer) => (answers[i] += d.toString('latin1')));
      h.write(
        `POST /v1/logs HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: ${16 * 1024 * 1024}\r\n\r\n`,
      );
      h.write(part);
    });
    // Before, bodies counted only once read whole: all 90 MiB waited in memory, unanswered.
    await waitFor(
      'two refused',
      () => answers.filter((a) => a.startsWith('HTTP/1.1 429')).length >= 2,
    );
    const refused = answers.find((a) => a.startsWith('HTTP/1.1 429'))!;
    expect(refused).toMatch(/retry-after: 1/i);
    expect(refused).toMatch(/bytes of requests are being received or stored; retry later/);
    // The others are still waiting for their bodies' ends, and a small request is served.
    expect(answers.filter((a) => a === '').length).toBeGreaterThan(0);
    const ok = await post(url, JSON.stringify(jsonRequest([{ body: { stringValue: 'small' } }])), {
      'content-type': 'application/json',
      connection: 'close',
    });
    expect(ok.status).toBe(200);
    for (const h of hogs) h.destroy();
  });

  it('counts what a gzip body inflates to against the same in-flight bound', async () => {
    const url = await addReceiver();
    const port = Number(new URL(url).port);
    // Four clients hold 60 MiB of bodies still arriving: under the 64 MiB bound.
    const part = Buffer.alloc(15 * 1024 * 1024, 1);
    const hogs = await Promise.all([0, 1, 2, 3].map(() => connected(port)));
    for (const h of hogs) {
      h.on('error', () => {});
      h.write(
        `POST /v1/logs HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: ${16 * 1024 * 1024}\r\n\r\n`,
      );
      h.write(part);
    }
    // 8 KiB of gzip that inflates to 8 MiB: before, only its 8 KiB counted.
    const inflating = gzipSync(
      JSON.stringify(jsonRequest([{ body: { stringValue: 'x'.repeat(8 * 1024 * 1024) } }])),
    );
    expect(inflating.length).toBeLessThan(64 * 1024);
    const headers = { 'content-type': 'application/json', 'content-encoding': 'gzip' };
    const refused = await waitFor('a 429 for the inflated body', async () => {
      const r = await post(url, inflating, { ...headers, connection: 'close' });
      return r.status === 429 && r;
    });
    expect(JSON.parse(refused.body.toString()).message).toMatch(/retry later/);
    for (const h of hogs) h.destroy();
    // Alone, it is answered (its one record too large for maxRecordBytes: a partial success).
    await waitFor('a 200 once the others are gone', async () => {
      const r = await post(url, inflating, { ...headers, connection: 'close' });
      return r.status === 200;
    });
  });

  it('closes connections beyond maxConnections at once, counts them, and serves again once one closes', async () => {
    const url = await addReceiver({ maxConnections: 2 });
    const port = Number(new URL(url).port);
    const status = () => fx.manager.status()[0];
    // Two clients holding their connections without a request.
    const held = await Promise.all([0, 1].map(() => connected(port)));
    await waitFor('2 connections open', () => status().connections?.open === 2);
    const extra = await Promise.all(Array.from({ length: 10 }, () => connected(port)));
    await Promise.all(extra.map((c) => closedByPeer(c)));
    await waitFor('10 refused', () => status().connections?.refused === 10);
    expect(status().detail).toMatch(/2 connections open, 10 refused \(maxConnections 2\)/);
    expect(status().lastError).toMatch(/maxConnections 2/);
    held[0].destroy();
    await waitFor('a slot free', () => status().connections?.open === 1);
    const ok = await post(
      url,
      JSON.stringify(jsonRequest([{ body: { stringValue: 'after the flood' } }])),
      { 'content-type': 'application/json', connection: 'close' },
    );
    expect(ok.status).toBe(200);
    held[1].destroy();
  });
});
