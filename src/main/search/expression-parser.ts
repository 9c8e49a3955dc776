import type { CompareOp, Expr, PathRoot } from './expression-ast';
import { ExpressionError } from './expression-error';
import { MAX_PATTERN_LENGTH } from '../../common/regex/linear-regex';
import { tokenize, type Token } from './expression-lexer';

/*
 * Grammar (precedence low to high):
 *   expr    := or
 *   or      := and (("||" | "or") and)*
 *   and     := unary (("&&" | "and") unary)*
 *   unary   := ("!" | "not") unary | compare
 *   compare := primary (op primary)?
 *   op      := "==" | "!=" | ">" | ">=" | "<" | "<=" | "=~" | "matches" | "contains"
 *   primary := "(" expr ")" | string | number | regex | "true" | "false" | "null" | path
 *   path    := ident ("." ident | "[" (number | string) "]")*
 * A path names a field of the JSON value (`level`, `http.status`, `tags[0]`), or, with a
 * leading `$`, a message attribute: `$key`, `$value`, `$offset`, `$partition`,
 * `$timestamp`, `$headers.<name>`.
 */

const ATTRIBUTES: Record<string, PathRoot> = {
  $key: 'key',
  $value: 'value',
  $offset: 'offset',
  $partition: 'partition',
  $timestamp: 'timestamp',
  $headers: 'headers',
};
const SYMBOL_OPS = ['==', '!=', '>', '>=', '<', '<=', '=~'];

/**
 * Parses a filter expression into a tree.
 * @throws ExpressionError (INVALID_ARGUMENT) naming what was expected and where.
 */
export function parseExpression(source: string): Expr {
  if (source.trim() === '') throw new ExpressionError('expression is empty', 0);
  if (source.length > MAX_PATTERN_LENGTH) {
    throw new ExpressionError(
      `an expression of ${source.length} characters is longer than the ${MAX_PATTERN_LENGTH} allowed`,
      MAX_PATTERN_LENGTH,
    );
  }
  const parser = new Parser(tokenize(source));
  const expr = parser.parseOr();
  parser.expectEnd();
  return expr;
}

/**
 * How deep parentheses and negations may nest. The parser recurses once per level (five
 * calls per parenthesis); ~2,000 levels overflowed the stack, which surfaced as INTERNAL
 * "Maximum call stack size exceeded" instead of the position of the problem.
 */
const MAX_NESTING = 100;

class Parser {
  private i = 0;
  private depth = 0;
  constructor(private readonly tokens: Token[]) {}

  /** Runs `parse` one nesting level down, refusing to go past MAX_NESTING. */
  private nested(at: Token, parse: () => Expr): Expr {
    if (++this.depth > MAX_NESTING) {
      throw new ExpressionError(`nests deeper than ${MAX_NESTING} levels`, at.pos);
    }
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  parseOr(): Expr {
    let left = this.parseAnd();
    while (this.acceptOp('||') || this.acceptWord('or')) {
      left = { kind: 'or', left, right: this.parseAnd() };
    }
    return left;
  }

  expectEnd(): void {
    const t = this.peek();
    if (t.type !== 'end') {
      throw new ExpressionError(`unexpected ${describe(t)}; expected && or || or the end`, t.pos);
    }
  }

  private parseAnd(): Expr {
    let left = this.parseUnary();
    while (this.acceptOp('&&') || this.acceptWord('and')) {
      left = { kind: 'and', left, right: this.parseUnary() };
    }
    return left;
  }

  private parseUnary(): Expr {
    const at = this.peek();
    if (this.acceptOp('!') || this.acceptWord('not'))
      return { kind: 'not', operand: this.nested(at, () => this.parseUnary()) };
    return this.parseCompare();
  }

  private parseCompare(): Expr {
    const left = this.parsePrimary();
    const t = this.peek();
    let op: CompareOp | null = null;
    if (t.type === 'op' && SYMBOL_OPS.includes(t.value)) op = t.value as CompareOp;
    else if (t.type === 'ident' && t.value.toLowerCase() === 'contains') op = 'contains';
    else if (t.type === 'ident' && t.value.toLowerCase() === 'matches') op = '=~';
    if (!op) return left;
    this.i++;
    const right = this.parsePrimary(`a value after ${op}`);
    if (
      op === '=~' &&
      right.kind !== 'regex' &&
      !(right.kind === 'literal' && typeof right.value === 'string')
    ) {
      throw new ExpressionError(
        `${op} needs a /regex/ or a string on its right`,
        this.tokens[this.i - 1].pos,
      );
    }
    return { kind: 'compare', op, left, right };
  }

  private parsePrimary(expected = 'a field, a value or ('): Expr {
    const t = this.next();
    switch (t.type) {
      case 'string':
      case 'number':
        return { kind: 'literal', value: t.value };
      case 'regex':
        return { kind: 'regex', regex: t.value };
      case 'op':
        if (t.value === '(') {
          const inner = this.nested(t, () => this.parseOr());
          const close = this.next();
          if (close.type !== 'op' || close.value !== ')') {
            throw new ExpressionError(
              `expected ) to close the ( at character ${t.pos + 1}, found ${describe(close)}`,
              close.pos,
            );
          }
          return inner;
        }
        break;
      case 'ident': {
        const word = t.value.toLowerCase();
        if (word === 'true' || word === 'false') return { kind: 'literal', value: word === 'true' };
        if (word === 'null') return { kind: 'literal', value: null };
        if (['and', 'or', 'not', 'contains', 'matches'].includes(word)) break;
        return this.parsePath(t);
      }
    }
    throw new ExpressionError(`expected ${expected}, found ${describe(t)}`, t.pos);
  }

  private parsePath(first: Token & { type: 'ident' }): Expr {
    let root: PathRoot = 'json';
    const segments: (string | number)[] = [];
    if (first.value.startsWith('$')) {
      const attr = ATTRIBUTES[first.value];
      if (!attr) {
        throw new ExpressionError(
          `unknown attribute ${first.value}; valid: ${Object.keys(ATTRIBUTES).join(', ')}`,
          first.pos,
        );
      }
      root = attr;
    } else {
      segments.push(first.value);
    }
    while (true) {
      if (this.acceptOp('.')) {
        const t = this.next();
        if (t.type !== 'ident')
          throw new ExpressionError(`expected a field name after ".", found ${describe(t)}`, t.pos);
        segments.push(t.value);
      } else if (this.acceptOp('[')) {
        const t = this.next();
        if (t.type !== 'number' && t.type !== 'string') {
          throw new ExpressionError(
            `expected an index or a quoted name inside [ ], found ${describe(t)}`,
            t.pos,
          );
        }
        const close = this.next();
        if (close.type !== 'op' || close.value !== ']')
          throw new ExpressionError(`expected ], found ${describe(close)}`, close.pos);
        segments.push(t.value);
      } else break;
    }
    if (root === 'headers' && segments.length !== 1) {
      throw new ExpressionError('$headers needs one header name, e.g. $headers.host', first.pos);
    }
    if (root !== 'headers' && root !== 'json' && segments.length > 0) {
      throw new ExpressionError(`${first.value} has no fields`, first.pos);
    }
    return { kind: 'path', root, segments };
  }

  private peek(): Token {
    return this.tokens[this.i];
  }

  private next(): Token {
    const t = this.tokens[this.i];
    if (t.type !== 'end') this.i++;
    return t;
  }

  private acceptOp(op: string): boolean {
    const t = this.peek();
    if (t.type === 'op' && t.value === op) {
      this.i++;
      return true;
    }
    return false;
  }

  private acceptWord(word: string): boolean {
    const t = this.peek();
    if (t.type === 'ident' && t.value.toLowerCase() === word) {
      this.i++;
      return true;
    }
    return false;
  }
}

function describe(t: Token): string {
  switch (t.type) {
    case 'end':
      return 'the end of the expression';
    case 'string':
      return `the string ${JSON.stringify(t.value)}`;
    case 'regex':
      return `the regex ${String(t.value)}`;
    default:
      return `"${String(t.value)}"`;
  }
}
