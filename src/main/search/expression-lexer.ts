import { LogdockError } from '../../common/errors';
import { compileLinearRegex, type LinearRegex } from '../../common/regex/linear-regex';
import { ExpressionError } from './expression-error';

/**
 * Tokens of the filter language. Words (`and`, `or`, `not`, `contains`, `true`, `false`,
 * `null`) are recognised by the parser from `ident` tokens so that a JSON field may still
 * be called `level` or `status`.
 */
export type Token =
  | { type: 'string'; value: string; pos: number }
  | { type: 'number'; value: number; pos: number }
  | { type: 'ident'; value: string; pos: number }
  | { type: 'regex'; value: LinearRegex; pos: number }
  | { type: 'op'; value: string; pos: number }
  | { type: 'end'; pos: number };

const OPERATORS = [
  '&&',
  '||',
  '==',
  '!=',
  '>=',
  '<=',
  '=~',
  '>',
  '<',
  '!',
  '(',
  ')',
  '.',
  '[',
  ']',
];
const IDENT_START = /[A-Za-z_$@]/;
const IDENT_PART = /[\w$@-]/;
const NUMBER = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;

/** Splits `source` into tokens; throws ExpressionError at the first character it cannot read. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i];
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '"' || ch === "'") {
      const [value, next] = readString(source, i);
      tokens.push({ type: 'string', value, pos: i });
      i = next;
    } else if (ch === '/' && regexAllowed(tokens)) {
      const [value, next] = readRegex(source, i);
      tokens.push({ type: 'regex', value, pos: i });
      i = next;
    } else if (
      /[\d.-]/.test(ch) &&
      NUMBER.test(source.slice(i)) &&
      !(ch === '.' && !/\d/.test(source[i + 1] ?? ''))
    ) {
      const text = NUMBER.exec(source.slice(i))![0];
      tokens.push({ type: 'number', value: Number(text), pos: i });
      i += text.length;
    } else if (IDENT_START.test(ch)) {
      let j = i + 1;
      while (j < source.length && IDENT_PART.test(source[j])) j++;
      tokens.push({ type: 'ident', value: source.slice(i, j), pos: i });
      i = j;
    } else {
      const op = OPERATORS.find((o) => source.startsWith(o, i));
      if (!op) throw new ExpressionError(`unexpected character ${JSON.stringify(ch)}`, i);
      tokens.push({ type: 'op', value: op, pos: i });
      i += op.length;
    }
  }
  tokens.push({ type: 'end', pos: source.length });
  return tokens;
}

/** A `/` starts a regex literal only where a value is expected (after an operator). */
function regexAllowed(tokens: Token[]): boolean {
  const last = tokens[tokens.length - 1];
  if (!last) return true;
  if (last.type === 'op') return last.value !== ')' && last.value !== ']';
  return last.type === 'ident' && isWordOperator(last.value);
}

function isWordOperator(word: string): boolean {
  return ['and', 'or', 'not', 'contains', 'matches'].includes(word.toLowerCase());
}

function readString(source: string, start: number): [string, number] {
  const quote = source[start];
  let out = '';
  let i = start + 1;
  while (i < source.length) {
    const ch = source[i];
    if (ch === quote) return [out, i + 1];
    if (ch === '\\') {
      const esc = source[i + 1];
      if (esc === undefined) break;
      const map: Record<string, string> = {
        n: '\n',
        t: '\t',
        r: '\r',
        '\\': '\\',
        '"': '"',
        "'": "'",
        '/': '/',
      };
      if (esc === 'u' && /^[0-9a-fA-F]{4}$/.test(source.slice(i + 2, i + 6))) {
        out += String.fromCharCode(parseInt(source.slice(i + 2, i + 6), 16));
        i += 6;
        continue;
      }
      if (!(esc in map)) throw new ExpressionError(`unknown escape \\${esc} in string`, i);
      out += map[esc];
      i += 2;
      continue;
    }
    out += ch;
    i++;
  }
  throw new ExpressionError('string is not closed', start);
}

function readRegex(source: string, start: number): [LinearRegex, number] {
  let i = start + 1;
  let inClass = false;
  while (i < source.length) {
    const ch = source[i];
    if (ch === '\\') i += 2;
    else {
      if (ch === '[') inClass = true;
      else if (ch === ']') inClass = false;
      else if (ch === '/' && !inClass) break;
      i++;
    }
  }
  if (i >= source.length)
    throw new ExpressionError('regular expression is not closed with /', start);
  const body = source.slice(start + 1, i);
  let j = i + 1;
  while (j < source.length && /[a-z]/.test(source[j])) j++;
  const flags = source.slice(i + 1, j);
  const unknown = flags.replace(/[imsu]/g, '');
  if (unknown !== '') {
    throw new ExpressionError(
      `regular expression flag "${unknown}" is not supported (i, m, s and u are)`,
      start,
    );
  }
  try {
    const options = {
      field: 'filter',
      caseInsensitive: flags.includes('i'),
      multiline: flags.includes('m'),
      dotAll: flags.includes('s'),
    };
    return [compileLinearRegex(body, options), j];
  } catch (err) {
    // The message names the refused construct or the syntax error; the position is the filter's.
    if (!(err instanceof LogdockError)) throw err;
    throw new ExpressionError(err.message.replace(/^filter: /, ''), start, err.code);
  }
}
