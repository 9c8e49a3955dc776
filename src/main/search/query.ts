import type { SearchQuery } from '../../common/api/messages';
import { LogdockError } from '../../common/errors';
import type { StoredRecord } from '../storage/api';
import { ExpressionError } from './expression-error';
import { compileExpression, type RecordContext } from './expression-eval';
import { parseExpression } from './expression-parser';
import { compileLinearRegex, type LinearRegex } from '../../common/regex/linear-regex';
import { mayMatch, requiredNeedles } from './prefilter';
import { requiredLiterals } from './regex-literals';

/** A compiled search query: every condition of the query must hold. */
export type RecordMatcher = (record: StoredRecord, partition: number) => boolean;

export interface QueryProblem {
  field: string;
  message: string;
  position: number | null;
}

/**
 * Compiles a query once, before a scan, so that bad input fails before any work starts.
 * @throws LogdockError INVALID_ARGUMENT for an invalid regex or filter expression (the
 *   message says what is wrong and where) or a query with no condition; UNSUPPORTED for a
 *   regex construct RE2 refuses (backreference, lookaround), named in the message.
 */
export function compileQuery(query: SearchQuery): RecordMatcher {
  const tests: RecordMatcher[] = [];
  const cs = query.caseSensitive;
  if (query.text !== undefined) {
    const t = textMatcher(query.text, cs);
    tests.push((r) => t(r.value) || t(r.key));
  }
  if (query.key !== undefined) {
    const t = textMatcher(query.key, cs);
    tests.push((r) => t(r.key));
  }
  if (query.header !== undefined) tests.push(headerMatcher(query.header, cs));
  if (query.regex !== undefined) {
    const re = compileRegex(query.regex, cs);
    const mayMatchRegex = regexPrefilter(query.regex, cs);
    tests.push(
      (r) =>
        r.value !== null &&
        (mayMatchRegex === null || mayMatchRegex(r.value)) &&
        re.test(r.value.toString('utf8')),
    );
  }
  if (query.filter !== undefined) tests.push(filterMatcher(query.filter, cs));
  if (tests.length === 0) {
    throw new LogdockError(
      'INVALID_ARGUMENT',
      'query: give at least one of text, regex, key, header or filter',
    );
  }
  if (tests.length === 1) return tests[0];
  return (r, p) => tests.every((t) => t(r, p));
}

/**
 * A test on the raw records area of a whole batch (decompressed): false means no record of
 * the batch can match, so the scan skips it without decoding a single record. It is exact
 * in that direction because every record's key, value and header bytes lie contiguously
 * in that area; a true may be a false alarm (a needle spanning two records) and the
 * records are then tested one by one. Null when the query offers no such shortcut.
 */
export type BatchFilter = (body: Buffer) => boolean;

export function compileBatchFilter(query: SearchQuery): BatchFilter | null {
  const tests: BatchFilter[] = [];
  const cs = query.caseSensitive;
  if (query.text !== undefined) tests.push(nonNull(textMatcher(query.text, cs)));
  if (query.key !== undefined) tests.push(nonNull(textMatcher(query.key, cs)));
  if (query.header !== undefined) tests.push(nonNull(textMatcher(query.header.key, cs)));
  if (query.filter !== undefined) {
    const needles = requiredNeedles(parseExpression(query.filter));
    if (needles.length > 0) tests.push((body) => mayMatch(body, needles));
  }
  // A regex's literals are in the records area like any needle; ^ and $ are not used.
  if (query.regex !== undefined) {
    const literals = regexPrefilter(query.regex, cs);
    if (literals !== null) tests.push(literals);
  }
  if (tests.length === 0) return null;
  return (body) => tests.every((t) => t(body));
}

function nonNull(t: (buf: Buffer | null) => boolean): BatchFilter {
  return (body) => t(body);
}

/** Checks a query the way compileQuery would, returning the first problem or null. */
export function checkQuery(query: SearchQuery): QueryProblem | null {
  if (query.regex !== undefined) {
    try {
      compileRegex(query.regex, query.caseSensitive);
    } catch (err) {
      return { field: 'regex', message: (err as Error).message, position: null };
    }
  }
  if (query.filter !== undefined) {
    try {
      parseExpression(query.filter);
    } catch (err) {
      const position = err instanceof ExpressionError ? err.position : null;
      return { field: 'filter', message: (err as Error).message, position };
    }
  }
  try {
    compileQuery(query);
  } catch (err) {
    return { field: 'query', message: (err as Error).message, position: null };
  }
  return null;
}

/** The only non-ASCII letters Unicode case folding maps onto ASCII ones (k, s). */
const FOLDS_TO_ASCII = [Buffer.from('\u212A'), Buffer.from('\u017F')]; // KELVIN SIGN, LONG S

/**
 * False only when `bytes` (a value, or a batch's records area) certainly cannot match the
 * regex: they lack one of the literals every match contains (see regex-literals.ts). Null
 * when the regex has none. Ignoring case, RE2 also matches k and s with the KELVIN SIGN and
 * LONG S, so for literals with those letters, bytes holding either are left to the regex.
 */
function regexPrefilter(source: string, caseSensitive: boolean): BatchFilter | null {
  const literals = requiredLiterals(source);
  if (literals.length === 0) return null;
  const tests = literals.map((l) => textMatcher(l, caseSensitive));
  const all = (buf: Buffer) => tests.every((t) => t(buf));
  if (caseSensitive || !literals.some((l) => /[ks]/i.test(l))) return all;
  return (buf) => all(buf) || FOLDS_TO_ASCII.some((f) => buf.includes(f));
}

function compileRegex(source: string, caseSensitive: boolean): LinearRegex {
  return compileLinearRegex(source, { field: 'regex', caseInsensitive: !caseSensitive });
}

/**
 * Substring test on raw bytes. Case-sensitive needles use Buffer.indexOf (memchr-fast);
 * case-insensitive ASCII needles scan a latin1 view with an `i` regex, which matches ASCII
 * letters byte for byte without decoding UTF-8; other needles decode the text.
 */
function textMatcher(needle: string, caseSensitive: boolean): (buf: Buffer | null) => boolean {
  if (caseSensitive || !/[a-zA-Z]/.test(needle)) {
    const bytes = Buffer.from(needle, 'utf8');
    return (buf) => buf !== null && buf.indexOf(bytes) !== -1;
  }
  const escaped = needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  if ([...needle].every((c) => c.charCodeAt(0) < 0x80)) {
    const re = new RegExp(escaped, 'i');
    return (buf) => buf !== null && re.test(buf.toString('latin1'));
  }
  const re = new RegExp(escaped, 'iu');
  return (buf) => buf !== null && re.test(buf.toString('utf8'));
}

function headerMatcher(h: { key: string; value?: string }, caseSensitive: boolean): RecordMatcher {
  const name = caseSensitive ? h.key : h.key.toLowerCase();
  const valueTest = h.value === undefined ? null : textMatcher(h.value, caseSensitive);
  return (r) =>
    r.headers.some(
      (x) =>
        (caseSensitive ? x.key : x.key.toLowerCase()) === name &&
        (valueTest === null || valueTest(x.value)),
    );
}

function filterMatcher(source: string, caseSensitive: boolean): RecordMatcher {
  const expr = parseExpression(source);
  const predicate = compileExpression(expr, { caseSensitive });
  const needles = requiredNeedles(expr);
  return (record, partition) => {
    if (needles.length > 0 && (record.value === null || !mayMatch(record.value, needles)))
      return false;
    return predicate(recordContext(record, partition));
  };
}

const NOT_PARSED = Symbol('not parsed');

/** Wraps a record so that its value is decoded and parsed only if the expression asks. */
export function recordContext(record: StoredRecord, partition: number): RecordContext {
  let text: string | null | undefined;
  let json: unknown = NOT_PARSED;
  const valueText = (): string | null => {
    if (text === undefined) text = record.value === null ? null : record.value.toString('utf8');
    return text;
  };
  return {
    partition,
    offset: record.offset,
    timestamp: record.timestamp,
    key: record.key,
    value: record.value,
    headers: record.headers,
    valueText,
    json() {
      if (json === NOT_PARSED) {
        const t = valueText();
        json = undefined;
        if (t !== null && /^\s*[[{]/.test(t)) {
          try {
            json = JSON.parse(t);
          } catch {
            json = undefined; // not JSON: every field is missing
          }
        }
      }
      return json;
    },
  };
}
