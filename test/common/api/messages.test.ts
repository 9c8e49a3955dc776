import { describe, expect, it } from 'vitest';
import {
  messagesRequests,
  messagesSubscriptions,
  seekTargetSchema,
} from '../../../src/common/api/messages';
import { parseOrThrow } from '../../../src/common/api/validate';

const parse = (schema: Parameters<typeof parseOrThrow>[0], value: unknown) =>
  parseOrThrow(schema, value, 'test');

describe('the messages contract', () => {
  it('bounds windows and previews so that no call can ask for megabytes per row', () => {
    const p = messagesRequests['messages.window'].params;
    expect(parse(p, { topic: 't', start: 0, count: 10 })).toEqual({
      topic: 't',
      partitions: null,
      start: 0,
      count: 10,
      previewBytes: 512,
    });
    expect(() => parse(p, { topic: 't', start: 0, count: 5000 })).toThrow(/count/);
    expect(() => parse(p, { topic: 't', start: 0, count: 10, previewBytes: 10_000_000 })).toThrow(
      /previewBytes/,
    );
    expect(() =>
      parse(messagesRequests['messages.chunk'].params, {
        topic: 't',
        partition: 0,
        offset: 0,
        field: 'value',
        start: 0,
        length: 2 ** 21,
      }),
    ).toThrow(/length/);
  });

  it('names export files by a bare name only: no folders, no "." or "..", no half-written .partial', () => {
    const exp = messagesSubscriptions['messages.export'].params;
    const base = { topic: 't', format: 'jsonl' };
    expect(parse(exp, { ...base, fileName: 'app-1.jsonl' })).toMatchObject({
      fileName: 'app-1.jsonl',
    });
    for (const fileName of ['..', '.', '../x.jsonl', '/etc/passwd', 'a/b', 'x.jsonl.partial', '']) {
      expect(() => parse(exp, { ...base, fileName })).toThrow(/fileName/);
      for (const name of ['messages.exportDownload', 'messages.exportShow'] as const) {
        expect(() => parse(messagesRequests[name].params, { fileName })).toThrow(/fileName/);
      }
    }
  });

  it('accepts each kind of seek target and refuses impossible ones', () => {
    for (const t of [
      { kind: 'earliest' },
      { kind: 'latest' },
      { kind: 'offset', offset: 5 },
      { kind: 'offset', partition: 2, offset: 5 },
      { kind: 'timestamp', timestamp: 0 },
      { kind: 'lastN', n: 10 },
    ]) {
      expect(seekTargetSchema.safeParse(t).success).toBe(true);
    }
    for (const t of [
      { kind: 'offset', offset: -1 },
      { kind: 'offset', offset: 1.5 },
      { kind: 'timestamp', timestamp: Number.NaN },
      { kind: 'lastN', n: 0 },
      { kind: 'sideways' },
    ]) {
      expect(seekTargetSchema.safeParse(t).success).toBe(false);
    }
  });

  it('keeps export file names inside the exports folder', () => {
    const p = messagesSubscriptions['messages.export'].params;
    expect(parse(p, { topic: 't', format: 'csv', fileName: 'errors-2026.csv' })).toMatchObject({
      range: { kind: 'all' },
    });
    for (const bad of ['../x.csv', '/etc/passwd', 'a/b.csv', 'a\\b.csv', '']) {
      expect(() => parse(p, { topic: 't', format: 'csv', fileName: bad })).toThrow(/fileName/);
    }
  });

  it('defaults searches to the whole topic, case-insensitive, 1000 results', () => {
    expect(
      parse(messagesSubscriptions['messages.search'].params, { topic: 't', query: { text: 'x' } }),
    ).toEqual({
      topic: 't',
      partitions: null,
      range: { kind: 'all' },
      query: { text: 'x', caseSensitive: false },
      maxResults: 1000,
      previewBytes: 512,
    });
    expect(() =>
      parse(messagesSubscriptions['messages.search'].params, {
        topic: 't',
        query: { text: 'x', sql: 'drop' },
      }),
    ).toThrow(/sql/);
  });
});
