/**
 * Syntax tree of filter expressions (see docs/inspect.md for the language). Kept apart
 * from the parser so that the evaluator and the pre-filter can depend on it alone.
 */

import type { LinearRegex } from '../../common/regex/linear-regex';

export type Literal = string | number | boolean | null;

/** Where a path starts: a field of the JSON value, or a message attribute (`$key`, ...). */
export type PathRoot = 'json' | 'key' | 'value' | 'offset' | 'partition' | 'timestamp' | 'headers';

export type CompareOp = '==' | '!=' | '>' | '>=' | '<' | '<=' | '=~' | 'contains';

export type Expr =
  | { kind: 'literal'; value: Literal }
  | { kind: 'regex'; regex: LinearRegex }
  | { kind: 'path'; root: PathRoot; segments: (string | number)[] }
  | { kind: 'not'; operand: Expr }
  | { kind: 'and'; left: Expr; right: Expr }
  | { kind: 'or'; left: Expr; right: Expr }
  | { kind: 'compare'; op: CompareOp; left: Expr; right: Expr };
