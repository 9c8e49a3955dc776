import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileLinearRegex } from '../../../src/common/regex/linear-regex';
import { compileBatchFilter, compileQuery } from '../../../src/main/search/query';
import { requiredLiterals } from '../../../src/main/search/regex-literals';
import type { StoredRecord } from '../../../src/main/storage/api';

const rec = (value: string): StoredRecord => ({
  offset: 0,
  timestamp: 0,
  key: null,
  value: Buffer.from(value),
  headers: [],
});

describe('the literals a regex requires', () => {
  it.each([
    ['req=12345[0-9]+ user', ['req=12345', ' user']],
    ['^ERROR: (disk|net) down$', ['ERROR: ', ' down']],
    ['colou?r', ['colo', 'r']],
    ['ab*c', ['a', 'c']],
    ['ab+c', ['ab', 'c']],
    ['ab{0,3}c', ['a', 'c']],
    ['ab{2}c', ['ab', 'c']],
    ['a{x', ['a{x']],
    ['\\d+ms\\.', ['ms.']],
    ['a.b', ['a', 'b']],
    ['x[]a]y', ['x', 'y']],
    ['x[[:alpha:]]y', ['x', 'y']],
    ['lazy+?z', ['lazy', 'z']],
    ['a|b', []],
    ['(?i)error', []],
    ['(?:abc)def', ['def']],
    ['(?P<n>abc)def', ['def']],
    ['été', ['t']],
  ])('%s requires %j', (source, literals) => {
    expect(requiredLiterals(source)).toEqual(literals);
  });

  it('never names a literal that a matching text lacks', () => {
    const piece = fc.constantFrom(
      'a',
      'b',
      'ab',
      'x',
      '.',
      '\\d',
      '[ab]',
      '(a|b)',
      '(?:ab)',
      '?',
      '*',
      '+',
      '{0,2}',
      '{1}',
      '\\.',
      '|',
      '^',
      '$',
    );
    fc.assert(
      fc.property(
        fc.array(piece, { minLength: 1, maxLength: 8 }),
        fc.string({ unit: fc.constantFrom('a', 'b', 'x', '.', '1'), maxLength: 12 }),
        (pieces, text) => {
          const source = pieces.join('');
          let re;
          try {
            re = compileLinearRegex(source, { field: 'regex' });
          } catch {
            return; // not a valid pattern
          }
          if (!re.test(text)) return;
          for (const literal of requiredLiterals(source)) expect(text).toContain(literal);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('lets the search skip whole batches and values without the literals, and still match the rest', () => {
    const query = { regex: 'req=12345[0-9]+ user', caseSensitive: true };
    const batch = compileBatchFilter(query)!;
    expect(batch).not.toBeNull();
    expect(batch(Buffer.from('req=999 user=a\nreq=12 user'))).toBe(false);
    expect(batch(Buffer.from('..req=123456 user=a'))).toBe(true);
    const match = compileQuery(query);
    expect(match(rec('GET req=1234567 user=bob'), 0)).toBe(true);
    expect(match(rec('GET req=12345 user=bob'), 0)).toBe(false);
  });

  it('ignoring case, leaves values with a KELVIN SIGN or LONG S to the regex (RE2 folds them onto k and s)', () => {
    const match = compileQuery({ regex: 'kelvin', caseSensitive: false });
    expect(match(rec('KELVIN'), 0)).toBe(true);
    expect(match(rec('\u212Aelvin'), 0)).toBe(true); // KELVIN SIGN
    expect(match(rec('celsius'), 0)).toBe(false);
    expect(compileQuery({ regex: 'misſ', caseSensitive: false })(rec('MISS'), 0)).toBe(true);
    expect(compileQuery({ regex: 'miss', caseSensitive: false })(rec('MIſſ'), 0)).toBe(true);
    const batch = compileBatchFilter({ regex: 'kelvin', caseSensitive: false })!;
    expect(batch(Buffer.from('\x05\xffcelsius'))).toBe(false);
    expect(batch(Buffer.from('\x05\xff\u212Aelvin'))).toBe(true);
    expect(batch(Buffer.from('\x05\xffKeLvIn'))).toBe(true);
  });
});
