import { describe, expect, it } from 'vitest';
import type { SearchQuery } from '../../../src/common/api/messages';
import { LogdockError } from '../../../src/common/errors';
import { parseExpression } from '../../../src/main/search/expression-parser';
import { mayMatch, requiredNeedles } from '../../../src/main/search/prefilter';
import { checkQuery, compileQuery } from '../../../src/main/search/query';
import type { StoredRecord } from '../../../src/main/storage/api';

function rec(
  value: string | Buffer | null,
  key: string | null = null,
  headers: [string, string | null][] = [],
): StoredRecord {
  return {
    offset: 0,
    timestamp: 0,
    key: key === null ? null : Buffer.from(key),
    value: value === null ? null : Buffer.isBuffer(value) ? value : Buffer.from(value),
    headers: headers.map(([k, v]) => ({ key: k, value: v === null ? null : Buffer.from(v) })),
  };
}

const q = (query: Partial<SearchQuery>): SearchQuery => ({ caseSensitive: false, ...query });

describe('search queries', () => {
  it('finds text in the value or the key, ignoring case unless asked', () => {
    const m = compileQuery(q({ text: 'Timeout' }));
    expect(m(rec('upstream TIMEOUT after 3s'), 0)).toBe(true);
    expect(m(rec('all good', 'timeout-key'), 0)).toBe(true);
    expect(m(rec('all good'), 0)).toBe(false);
    expect(m(rec(null), 0)).toBe(false);
    const exact = compileQuery(q({ text: 'Timeout', caseSensitive: true }));
    expect(exact(rec('upstream TIMEOUT'), 0)).toBe(false);
    expect(exact(rec('upstream Timeout'), 0)).toBe(true);
  });

  it('finds non-ASCII text without case in UTF-8 values', () => {
    const m = compileQuery(q({ text: 'ÉCHEC' }));
    expect(m(rec('connexion: échec du serveur'), 0)).toBe(true);
    expect(m(rec('connexion: succès'), 0)).toBe(false);
  });

  it('does not treat the text as a pattern', () => {
    const m = compileQuery(q({ text: 'a.c(' }));
    expect(m(rec('xx a.c( yy'), 0)).toBe(true);
    expect(m(rec('abc('), 0)).toBe(false);
  });

  it('matches keys, headers and regexes, all conditions together', () => {
    const m = compileQuery(
      q({ key: 'user', header: { key: 'Host', value: 'web' }, regex: 'status=5\\d\\d' }),
    );
    expect(m(rec('status=503', 'user-1', [['host', 'web-1']]), 0)).toBe(true);
    expect(m(rec('status=404', 'user-1', [['host', 'web-1']]), 0)).toBe(false);
    expect(m(rec('status=503', 'admin', [['host', 'web-1']]), 0)).toBe(false);
    expect(m(rec('status=503', 'user-1', [['host', 'db-1']]), 0)).toBe(false);
    expect(m(rec('status=503', 'user-1', []), 0)).toBe(false);
    const anyValue = compileQuery(q({ header: { key: 'trace' } }));
    expect(anyValue(rec('x', null, [['trace', null]]), 0)).toBe(true);
  });

  it('runs filter expressions over JSON values', () => {
    const m = compileQuery(q({ filter: 'level == "ERROR" && latency_ms > 200' }));
    expect(m(rec('{"level":"ERROR","latency_ms":250}'), 0)).toBe(true);
    expect(m(rec('{"level":"ERROR","latency_ms":20}'), 0)).toBe(false);
    // The same message with the level spelt with \u escapes must not be missed.
    expect(m(rec('{"level":"\\u0045RROR","latency_ms":250}'), 0)).toBe(true);
    expect(m(rec('ERROR latency_ms 250'), 0)).toBe(false);
  });

  it('rejects an invalid regex or filter before scanning, saying what is wrong', () => {
    expect(() => compileQuery(q({ regex: '(unclosed' }))).toThrow(
      /regex: invalid regular expression/,
    );
    expect(() => compileQuery(q({ filter: 'a ==' }))).toThrow(LogdockError);
    expect(() => compileQuery(q({}))).toThrow(/give at least one of/);
    expect(checkQuery(q({ regex: '[' }))).toMatchObject({ field: 'regex', position: null });
    expect(checkQuery(q({ filter: 'level = 1' }))).toMatchObject({ field: 'filter', position: 6 });
    expect(checkQuery(q({}))).toMatchObject({ field: 'query' });
    expect(checkQuery(q({ text: 'x', filter: 'a > 1' }))).toBeNull();
  });
});

describe('the filter pre-filter', () => {
  const needles = (e: string) => requiredNeedles(parseExpression(e)).map((b) => b.toString());

  it('requires the field names and string values on the && spine', () => {
    expect(needles('level == "ERROR" && latency_ms > 200')).toEqual([
      'level',
      'ERROR',
      'latency_ms',
    ]);
    expect(needles('http.status >= 500')).toEqual(['http', 'status']);
  });

  it('requires nothing under || or !, for != or null, or for numbers that compare loosely', () => {
    expect(needles('a == "x" || b == "y"')).toEqual([]);
    expect(needles('!(a == "x")')).toEqual([]);
    expect(needles('a != "x"')).toEqual([]);
    expect(needles('a == null')).toEqual([]);
    expect(needles('a == b')).toEqual([]);
    expect(needles('a == "5.0"')).toEqual(['a']);
    expect(needles('$key == "k"')).toEqual([]);
  });

  it('never rules out a value that may hide the needle behind a \\u escape', () => {
    const n = [Buffer.from('ERROR')];
    expect(mayMatch(Buffer.from('{"l":"INFO"}'), n)).toBe(false);
    expect(mayMatch(Buffer.from('{"l":"\\u0045RROR"}'), n)).toBe(true);
    expect(mayMatch(Buffer.from('{"l":"ERROR"}'), n)).toBe(true);
  });
});
