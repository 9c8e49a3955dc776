import { describe, expect, it } from 'vitest';
import { LogdockError } from '../../../src/common/errors';
import { multilineSchema, sourceConfigSchema } from '../../../src/common/collectors/config';
import { MultilineJoiner } from '../../../src/main/collectors/multiline';
import { createParser } from '../../../src/main/collectors/parsers';
import { compileLinearRegex } from '../../../src/common/regex/linear-regex';
import { parseExpression } from '../../../src/main/search/expression-parser';
import { compileQuery } from '../../../src/main/search/query';
import type { StoredRecord } from '../../../src/main/storage/api';

const record = (value: string): StoredRecord => ({
  offset: 0,
  timestamp: 0,
  key: null,
  value: Buffer.from(value),
  headers: [],
});

// With a backtracking engine each further "a" doubles the time: 40 of them take hours.
const EVIL = '^(a+)+$';
const EVIL_INPUT = 'a'.repeat(40) + '!';

function caught(f: () => unknown): LogdockError {
  try {
    f();
  } catch (err) {
    if (err instanceof LogdockError) return err;
    throw err;
  }
  throw new Error('expected a LogdockError');
}

describe('user regular expressions', () => {
  it('match a catastrophic-backtracking pattern in linear time in a search', () => {
    const match = compileQuery({ regex: EVIL, caseSensitive: true });
    expect(match(record(EVIL_INPUT), 0)).toBe(false);
    expect(match(record('a'.repeat(100_000)), 0)).toBe(true);
  });

  it('match a catastrophic pattern in a filter expression, a string pattern and a literal', () => {
    for (const filter of [`$value =~ "${EVIL}"`, `$value =~ /${EVIL}/`]) {
      const match = compileQuery({ filter, caseSensitive: true });
      expect(match(record(EVIL_INPUT), 0)).toBe(false);
      expect(match(record('aaa'), 0)).toBe(true);
    }
  });

  it('match a catastrophic pattern in collectors parsers and multi-line joiners', () => {
    const parser = createParser({ type: 'regex', pattern: '^(?<message>(a+)+)$' }, 'UTC')!;
    expect(parser(EVIL_INPUT).error).toMatch(/does not match/);
    expect(parser('aaaa').message).toBe('aaaa');
    const joiner = new MultilineJoiner(multilineSchema.parse({ pattern: EVIL }));
    const line = (text: string, start: number) => ({
      start,
      end: start + text.length + 1,
      text: Buffer.from(text),
      invalid: 0,
    });
    expect(joiner.push(line('aaaa', 0))).toEqual([]);
    expect(joiner.push(line(EVIL_INPUT, 5))).toEqual([]); // not a start: appended
    expect(joiner.push(line('aa', 47))).toHaveLength(1);
  });

  it.each([
    ['(a)\\1', 'backreference', '\\1', 3],
    ['(?<n>a)\\k<n>', 'named backreference', '\\k<', 7],
    ['a(?=b)', 'lookahead', '(?=', 1],
    ['a(?!b)', 'lookahead', '(?!', 1],
    ['(?<=a)b', 'lookbehind', '(?<=', 0],
    ['x(?<!a)b', 'lookbehind', '(?<!', 1],
    ['(?>a+)b', 'atomic group', '(?>', 0],
    ['a++', 'possessive quantifier', '++', 1],
  ])('refuses %s with UNSUPPORTED, naming the %s', (source, name, text, position) => {
    const err = caught(() => compileLinearRegex(source, { field: 'regex' }));
    expect(err.code).toBe('UNSUPPORTED');
    expect(err.message).toContain(`regex: ${name} "${text}" at position ${position}`);
  });

  it('accepts what only looks like a refused construct inside a class or escaped', () => {
    expect(compileLinearRegex('[(?=]\\(\\?=x', { field: 'regex' }).test('=(?=x')).toBe(true);
    expect(compileLinearRegex('\\\\1', { field: 'regex' }).test('\\1')).toBe(true);
  });

  it('tells a syntax error (INVALID_ARGUMENT) from a refused construct', () => {
    const err = caught(() => compileLinearRegex('(unclosed', { field: 'regex' }));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toMatch(/^regex: invalid regular expression \/\(unclosed\/: /);
  });

  it('refuses a pattern over 4,096 characters before compiling it, without quoting it back', () => {
    // 10 s of the main thread before, and the whole pattern echoed in the message.
    const huge = 'ab'.repeat(512 * 1024);
    for (const err of [
      caught(() => compileLinearRegex(huge, { field: 'regex' })),
      caught(() => compileQuery({ regex: huge, caseSensitive: false })),
      caught(() =>
        parseExpression(`$value =~ /${'a'.repeat(4000)}/ || ${'a == 1 || '.repeat(10)}b`),
      ),
    ]) {
      expect(err.code).toBe('INVALID_ARGUMENT');
      expect(err.message.length).toBeLessThan(300);
    }
    expect(caught(() => compileLinearRegex(huge, { field: 'regex' })).message).toBe(
      'regex: a regular expression of 1048576 characters is longer than the 4096 allowed',
    );
    expect(compileLinearRegex('a'.repeat(4096), { field: 'regex' }).test('a'.repeat(4096))).toBe(
      true,
    );
    // A pattern RE2 refuses is quoted only in part.
    const unclosed = caught(() => compileLinearRegex(`(${'a'.repeat(4000)}`, { field: 'regex' }));
    expect(unclosed.code).toBe('INVALID_ARGUMENT');
    expect(unclosed.message.length).toBeLessThan(600);
  });

  it('refuses constructs in every place a user types a regex, naming the field', () => {
    expect(caught(() => compileQuery({ regex: '(a)\\1', caseSensitive: false })).code).toBe(
      'UNSUPPORTED',
    );
    const filterErr = caught(() => parseExpression('$value =~ /a(?=b)/'));
    expect(filterErr.code).toBe('UNSUPPORTED');
    expect(filterErr.message).toMatch(
      /^filter: lookahead "\(\?=" at position 1 .* at character 11$/,
    );
    expect(
      caught(() => compileQuery({ filter: '$value =~ "(a)\\\\1"', caseSensitive: true })).code,
    ).toBe('UNSUPPORTED');
    const config = sourceConfigSchema.safeParse({
      type: 'file',
      id: 'app',
      include: ['/tmp/x.log'],
      topic: 'app',
      parser: { type: 'regex', pattern: '(?<level>\\w+) \\1' },
    });
    expect(config.success).toBe(false);
    expect(config.error?.issues[0].message).toContain('backreference "\\1"');
  });

  it('keeps case-insensitive, multiline and dotAll matching', () => {
    expect(compileLinearRegex('ÉTÉ', { field: 'r', caseInsensitive: true }).test('été')).toBe(true);
    expect(compileLinearRegex('^b$', { field: 'r', multiline: true }).test('a\nb\nc')).toBe(true);
    expect(compileLinearRegex('a.b', { field: 'r', dotAll: true }).test('a\nb')).toBe(true);
    expect(compileLinearRegex('a.b', { field: 'r' }).test('a\nb')).toBe(false);
  });
});
