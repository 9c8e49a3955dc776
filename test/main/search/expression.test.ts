import { describe, expect, it } from 'vitest';
import { LogdockError } from '../../../src/common/errors';
import { ExpressionError } from '../../../src/main/search/expression-error';
import { compileExpression } from '../../../src/main/search/expression-eval';
import { parseExpression } from '../../../src/main/search/expression-parser';
import { recordContext } from '../../../src/main/search/query';
import type { StoredRecord } from '../../../src/main/storage/api';

function record(value: unknown, extra: Partial<StoredRecord> = {}): StoredRecord {
  return {
    offset: 7,
    timestamp: Date.parse('2026-05-01T10:00:00Z'),
    key: Buffer.from('user-42'),
    value:
      value === null
        ? null
        : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
    headers: [{ key: 'host', value: Buffer.from('web-1') }],
    ...extra,
  };
}

function matches(
  expr: string,
  value: unknown,
  extra: Partial<StoredRecord> = {},
  caseSensitive = false,
): boolean {
  return compileExpression(parseExpression(expr), { caseSensitive })(
    recordContext(record(value, extra), 3),
  );
}

function syntaxError(expr: string): ExpressionError {
  try {
    parseExpression(expr);
  } catch (err) {
    expect(err).toBeInstanceOf(ExpressionError);
    return err as ExpressionError;
  }
  throw new Error(`expected ${expr} not to parse`);
}

describe('filter expressions', () => {
  it('matches the example of the issue on JSON fields', () => {
    const expr = 'level == "ERROR" && latency_ms > 200';
    expect(matches(expr, { level: 'ERROR', latency_ms: 250 })).toBe(true);
    expect(matches(expr, { level: 'ERROR', latency_ms: 150 })).toBe(false);
    expect(matches(expr, { level: 'INFO', latency_ms: 250 })).toBe(false);
  });

  it('gives || lower precedence than && and honours parentheses and not', () => {
    const v = { a: 1, b: 0, c: 1 };
    expect(matches('a == 1 || b == 1 && c == 0', v)).toBe(true);
    expect(matches('(a == 1 || b == 1) && c == 0', v)).toBe(false);
    expect(matches('!(b == 1) and not c == 0', v)).toBe(true);
    expect(matches('b == 1 or c == 1', v)).toBe(true);
  });

  it('walks nested fields and array indexes', () => {
    const v = { http: { status: 503, path: '/api' }, tags: ['x', 'slow'], 'weird key': true };
    expect(matches('http.status >= 500', v)).toBe(true);
    expect(matches('http.path == "/api"', v)).toBe(true);
    expect(matches('tags[1] == "slow"', v)).toBe(true);
    expect(matches('tags contains "slow"', v)).toBe(true);
    expect(syntaxError('["weird key"]').message).toMatch(/expected a field, a value or \(/);
  });

  it('treats a missing field as null: only == null and != are true', () => {
    expect(matches('user == null', { a: 1 })).toBe(true);
    expect(matches('user != "bob"', { a: 1 })).toBe(true);
    expect(matches('user == "bob"', { a: 1 })).toBe(false);
    expect(matches('user > 3', { a: 1 })).toBe(false);
    expect(matches('user', { a: 1 })).toBe(false);
    expect(matches('a', { a: 1 })).toBe(true);
  });

  it('treats a value that is not JSON as having no fields', () => {
    expect(matches('level == "ERROR"', 'ERROR something broke')).toBe(false);
    expect(matches('$value contains "broke"', 'ERROR something broke')).toBe(true);
    expect(matches('level == null', null)).toBe(true);
  });

  it('compares numbers with numeric strings, and timestamps with dates', () => {
    expect(matches('status == 500', { status: '500' })).toBe(true);
    expect(matches('status > 400', { status: '500' })).toBe(true);
    expect(matches('$timestamp >= "2026-05-01T00:00:00Z"', {})).toBe(true);
    expect(matches('$timestamp < "2026-05-01"', {})).toBe(false);
  });

  it('reads message attributes with $', () => {
    expect(matches('$key == "user-42" && $offset == 7 && $partition == 3', {})).toBe(true);
    expect(matches('$headers.host == "web-1"', {})).toBe(true);
    expect(matches('$headers.missing == null', {})).toBe(true);
  });

  it('matches regexes, given as /literal/flags or as a string', () => {
    expect(matches('msg =~ /time(out|d out)/', { msg: 'request timed out' })).toBe(true);
    expect(matches('msg matches "TIMED"', { msg: 'request timed out' })).toBe(true);
    expect(matches('msg =~ "TIMED"', { msg: 'request timed out' }, {}, true)).toBe(false);
    expect(matches('msg =~ /^x/', { msg: 'request' })).toBe(false);
  });

  it('makes contains case-insensitive unless asked otherwise', () => {
    expect(matches('msg contains "TIMED"', { msg: 'request timed out' })).toBe(true);
    expect(matches('msg contains "TIMED"', { msg: 'request timed out' }, {}, true)).toBe(false);
  });

  it('accepts single-quoted strings with escapes, negative and decimal numbers', () => {
    expect(matches("name == 'it\\'s'", { name: "it's" })).toBe(true);
    expect(matches('t < -1.5', { t: -2 })).toBe(true);
    expect(matches('t == 1e3', { t: 1000 })).toBe(true);
    expect(
      matches('@timestamp != null && log-level == "x"', { '@timestamp': 1, 'log-level': 'x' }),
    ).toBe(true);
  });

  it('reports what is wrong and where', () => {
    const e1 = syntaxError('level == ');
    expect(e1.code).toBe('INVALID_ARGUMENT');
    expect(e1.message).toMatch(
      /expected a value after ==, found the end of the expression at character 10/,
    );
    expect(e1.position).toBe(9);

    const e2 = syntaxError('(a == 1');
    expect(e2.message).toMatch(/expected \) to close the \( at character 1/);

    expect(syntaxError('a == "open').message).toMatch(/string is not closed at character 6/);
    expect(syntaxError('a =~ /(/').message).toMatch(/invalid regular expression/);
    expect(syntaxError('a == 1 b').message).toMatch(/unexpected "b"; expected && or \|\|/);
    expect(syntaxError('$nope == 1').message).toMatch(/unknown attribute \$nope; valid: \$key/);
    expect(syntaxError('a # 1').message).toMatch(/unexpected character "#"/);
    expect(syntaxError('   ').message).toMatch(/expression is empty/);
    expect(syntaxError('a =~ 5').message).toMatch(/needs a \/regex\/ or a string/);
  });

  it('refuses parentheses or negations nested deeper than 100, and expressions over 4,096 characters, as syntax errors', () => {
    // 2,000 parentheses overflowed the parser's stack: INTERNAL, with no position.
    const deep = syntaxError(`${'('.repeat(2000)}a${')'.repeat(2000)}`);
    expect(deep.code).toBe('INVALID_ARGUMENT');
    expect(deep.message).toBe('filter: nests deeper than 100 levels at character 101');
    expect(syntaxError(`${'!'.repeat(101)}a`).message).toMatch(/nests deeper than 100 levels/);
    expect(
      matches(`${'('.repeat(100)}level == "ERROR"${')'.repeat(100)}`, { level: 'ERROR' }),
    ).toBe(true);
    expect(matches(`${'not '.repeat(100)}a`, { a: true })).toBe(true);

    const long = syntaxError(`${'a == 1 || '.repeat(500)}b`);
    expect(long.code).toBe('INVALID_ARGUMENT');
    expect(long.message).toMatch(
      /an expression of 5001 characters is longer than the 4096 allowed/,
    );
    // The longest chain allowed still evaluates (it nests on the left, without recursion limit).
    expect(matches(`${'a || '.repeat(818)}b`, { b: 1 })).toBe(true);
  });

  it('throws LogdockError so every transport reports it the same way', () => {
    expect(() => parseExpression('&&')).toThrow(LogdockError);
  });
});
