import type { Expr } from './expression-ast';

/**
 * Byte strings that the raw value of every matching message must contain, found on the
 * `&&` spine of an expression: for `level == "ERROR" && latency_ms > 200` these are
 * `level`, `ERROR` and `latency_ms`. Checking them with Buffer.indexOf is far cheaper than
 * JSON.parse, so most non-matching messages are skipped unparsed.
 *
 * Only plain printable ASCII needles are used, because JSON may spell anything else
 * (and, in theory, even ASCII) with \u escapes: `mayMatch` therefore never rules out a
 * value that contains a backslash-u. It can only say "certainly not"; never "yes".
 */
export function requiredNeedles(expr: Expr): Buffer[] {
  const out: string[] = [];
  collect(expr, out);
  return [...new Set(out)].map((s) => Buffer.from(s, 'utf8'));
}

function collect(expr: Expr, out: string[]): void {
  if (expr.kind === 'and') {
    collect(expr.left, out);
    collect(expr.right, out);
    return;
  }
  if (expr.kind === 'path' && expr.root === 'json') {
    addPathNames(expr.segments, out); // a bare field must exist to be truthy
    return;
  }
  if (expr.kind !== 'compare' || expr.op === '!=') return;
  const { left, right } = expr;
  // `missing == null` is true, so a comparison with null requires nothing.
  if (right.kind === 'literal' && right.value === null) return;
  if (left.kind === 'literal' && left.value === null) return;
  // `a == b` of two missing fields is true, so it requires neither.
  if (expr.op === '==' && left.kind !== 'literal' && right.kind !== 'literal') return;
  for (const side of [left, right]) {
    if (side.kind === 'path' && side.root === 'json') addPathNames(side.segments, out);
  }
  if (
    expr.op === '==' &&
    left.kind === 'path' &&
    left.root === 'json' &&
    right.kind === 'literal'
  ) {
    // Numbers and dates compare loosely (`"5.0"` equals 5), so only other strings count.
    const v = right.value;
    if (typeof v === 'string' && Number.isNaN(Number(v)) && !/^\d{4}-\d\d-\d\d/.test(v)) {
      addIfPlain(v, out);
    }
  }
}

function addPathNames(segments: (string | number)[], out: string[]): void {
  for (const seg of segments) if (typeof seg === 'string') addIfPlain(seg, out);
}

function addIfPlain(s: string, out: string[]): void {
  if (/^[\x20-\x7e]+$/.test(s) && !s.includes('"') && !s.includes('\\')) out.push(s);
}

const ESCAPE = Buffer.from('\\u');

/** False only when `raw` certainly cannot satisfy the expression the needles came from. */
export function mayMatch(raw: Buffer, needles: Buffer[]): boolean {
  for (const n of needles) {
    if (raw.indexOf(n) === -1) return raw.indexOf(ESCAPE) !== -1;
  }
  return true;
}
