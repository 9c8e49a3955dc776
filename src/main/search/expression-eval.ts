import { compileLinearRegex, LinearRegex } from '../../common/regex/linear-regex';
import type { RecordHeader } from '../storage/api';
import type { CompareOp, Expr, Literal, PathRoot } from './expression-ast';

/** What an expression is evaluated against: one message, its JSON value parsed lazily. */
export interface RecordContext {
  partition: number;
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
  /** The value parsed as JSON, or undefined when it is not JSON. Parsed at most once. */
  json(): unknown;
  /** The value as UTF-8 text (decoded at most once), null for a null value. */
  valueText(): string | null;
}

export type Predicate = (ctx: RecordContext) => boolean;
type Getter = (ctx: RecordContext) => unknown;

/**
 * Turns a parsed expression into a function of a message. Comparisons with a missing field
 * are false, except `missing == null` and `missing != <value>`, as in SQL's IS NULL.
 * `caseSensitive` applies to `contains` only; `==` always compares exactly.
 */
export function compileExpression(expr: Expr, opts: { caseSensitive: boolean }): Predicate {
  const getter = compileValue(expr, opts);
  return (ctx) => truthy(getter(ctx));
}

function compileValue(expr: Expr, opts: { caseSensitive: boolean }): Getter {
  switch (expr.kind) {
    case 'literal': {
      const v = expr.value;
      return () => v;
    }
    case 'regex': {
      const re = expr.regex;
      return () => re;
    }
    case 'path':
      return compilePath(expr.root, expr.segments);
    case 'not': {
      const p = compileValue(expr.operand, opts);
      return (ctx) => !truthy(p(ctx));
    }
    case 'and': {
      const l = compileValue(expr.left, opts);
      const r = compileValue(expr.right, opts);
      return (ctx) => truthy(l(ctx)) && truthy(r(ctx));
    }
    case 'or': {
      const l = compileValue(expr.left, opts);
      const r = compileValue(expr.right, opts);
      return (ctx) => truthy(l(ctx)) || truthy(r(ctx));
    }
    case 'compare': {
      const l = compileValue(expr.left, opts);
      const r = compileValue(expr.right, opts);
      const cmp = comparator(expr.op, opts.caseSensitive, expr.right);
      return (ctx) => cmp(l(ctx), r(ctx));
    }
  }
}

function compilePath(root: PathRoot, segments: (string | number)[]): Getter {
  switch (root) {
    case 'key':
      return (ctx) => (ctx.key === null ? null : ctx.key.toString('utf8'));
    case 'value':
      return (ctx) => ctx.valueText();
    case 'offset':
      return (ctx) => ctx.offset;
    case 'partition':
      return (ctx) => ctx.partition;
    case 'timestamp':
      return (ctx) => ctx.timestamp;
    case 'headers': {
      const name = String(segments[0]);
      return (ctx) => {
        const h = ctx.headers.find((x) => x.key === name);
        if (!h) return undefined;
        return h.value === null ? null : h.value.toString('utf8');
      };
    }
    case 'json':
      return (ctx) => walk(ctx.json(), segments);
  }
}

function walk(value: unknown, segments: (string | number)[]): unknown {
  let cur = value;
  for (const seg of segments) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}

function truthy(v: unknown): boolean {
  return v !== undefined && v !== null && v !== false && v !== 0 && v !== '';
}

function comparator(
  op: CompareOp,
  caseSensitive: boolean,
  right: Expr,
): (a: unknown, b: unknown) => boolean {
  switch (op) {
    case '==':
      return (a, b) => looseEquals(a, b);
    case '!=':
      return (a, b) => !looseEquals(a, b);
    case 'contains':
      return (a, b) => contains(a, b, caseSensitive);
    case '=~': {
      // A string on the right is compiled once; a /regex/ literal keeps its own flags.
      const fixed =
        right.kind === 'literal' && typeof right.value === 'string'
          ? compileLinearRegex(right.value, { field: 'filter', caseInsensitive: !caseSensitive })
          : null;
      return (a, b) => {
        if (typeof a !== 'string' && typeof a !== 'number') return false;
        const re = fixed ?? (b instanceof LinearRegex ? b : null);
        return re !== null && re.test(String(a));
      };
    }
    default:
      return (a, b) => order(op, a, b);
  }
}

function looseEquals(a: unknown, b: unknown): boolean {
  if (a === undefined || a === null) return b === null || b === undefined;
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'string') return a === toNumber(b);
  if (typeof a === 'string' && typeof b === 'number') return toNumber(a) === b;
  return false;
}

function contains(a: unknown, b: unknown, caseSensitive: boolean): boolean {
  if (Array.isArray(a)) return a.some((x) => looseEquals(x, b));
  if (typeof a !== 'string' || (typeof b !== 'string' && typeof b !== 'number')) return false;
  const needle = String(b);
  return caseSensitive ? a.includes(needle) : a.toLowerCase().includes(needle.toLowerCase());
}

function order(op: CompareOp, a: unknown, b: unknown): boolean {
  let x: number | string;
  let y: number | string;
  if (typeof a === 'number' || typeof b === 'number') {
    x = toNumber(a as Literal);
    y = toNumber(b as Literal);
    if (Number.isNaN(x) || Number.isNaN(y)) return false;
  } else if (typeof a === 'string' && typeof b === 'string') {
    x = a;
    y = b;
  } else return false;
  switch (op) {
    case '>':
      return x > y;
    case '>=':
      return x >= y;
    case '<':
      return x < y;
    default:
      return x <= y;
  }
}

/** Numbers, numeric strings, and dates (`2026-05-01T10:00:00Z`, for `$timestamp`) as numbers. */
function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string' || v.trim() === '') return NaN;
  const n = Number(v);
  if (!Number.isNaN(n)) return n;
  return /^\d{4}-\d\d-\d\d/.test(v) ? Date.parse(v) : NaN;
}
