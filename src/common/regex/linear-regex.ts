/**
 * Every regular expression a user types (search, filter expressions, collector parsers and
 * multi-line patterns, replay filters) is compiled here, by RE2JS: RE2's syntax and its
 * guarantee that matching takes time linear in the input, whatever the pattern. V8's own
 * backtracking engine takes exponential time on patterns like `^(a+)+$`, and one such
 * search froze the whole process (HTTP, the Kafka listener, the collectors).
 *
 * The price is RE2's syntax: constructs that need backtracking are refused, by name, with
 * the code UNSUPPORTED (see docs/inspect.md); any other syntax error is INVALID_ARGUMENT.
 */
import { RE2JS } from 're2js';
import { LogdockError } from '../errors';

export interface LinearRegexOptions {
  /** Names the input in error messages, e.g. `regex` or `collectors[0].parser.pattern`. */
  field: string;
  caseInsensitive?: boolean;
  /** `^` and `$` also match at line breaks (JavaScript's `m`). */
  multiline?: boolean;
  /** `.` also matches a line break (JavaScript's `s`). */
  dotAll?: boolean;
}

/** The subset of RegExp that the callers use, matched in linear time. */
export class LinearRegex {
  constructor(
    readonly source: string,
    private readonly re: RE2JS,
  ) {}

  test(text: string): boolean {
    return this.re.test(text);
  }

  /** Like RegExp.prototype.exec: the match, its groups and named `groups`, or null. */
  exec(text: string): RegExpExecArray | null {
    return this.re.exec(text) as RegExpExecArray | null;
  }
}

/**
 * The longest pattern compiled. Matching is linear, but compiling is not cheap and runs on
 * the caller's thread (the main one for a search's start, a collector's parser): RE2JS took
 * 1 s for a 1 MiB literal and 10 s for a 4 MiB one (an API frame's size), freezing every
 * other client, and answered with all of it echoed in the message; 4,096 characters of
 * alternatives compile in ~45 ms. People's patterns are far shorter.
 */
export const MAX_PATTERN_LENGTH = 4096;

/** A pattern or a parser's message cut for an error message (RE2JS quotes the pattern). */
function excerpt(text: string): string {
  return text.length <= 200 ? text : `${text.slice(0, 200)}…`;
}

/** Constructs RE2 cannot run in linear time, how users spell them, and what they are called. */
const REFUSED: readonly { pattern: RegExp; name: string }[] = [
  { pattern: /\\[1-9]/y, name: 'backreference' },
  { pattern: /\\k</y, name: 'named backreference' },
  { pattern: /\(\?<[=!]/y, name: 'lookbehind' },
  { pattern: /\(\?[=!]/y, name: 'lookahead' },
  { pattern: /\(\?>/y, name: 'atomic group' },
  { pattern: /[*+?}]\+/y, name: 'possessive quantifier' },
];

/**
 * @throws LogdockError UNSUPPORTED naming a refused construct and its position, or
 *   INVALID_ARGUMENT for any other syntax error; both messages start with `field`.
 */
export function compileLinearRegex(source: string, options: LinearRegexOptions): LinearRegex {
  if (source.length > MAX_PATTERN_LENGTH) {
    throw new LogdockError(
      'INVALID_ARGUMENT',
      `${options.field}: a regular expression of ${source.length} characters is longer than the ${MAX_PATTERN_LENGTH} allowed`,
    );
  }
  const refused = findRefusedConstruct(source);
  if (refused !== null) {
    throw new LogdockError(
      'UNSUPPORTED',
      `${options.field}: ${refused.name} "${refused.text}" at position ${refused.position} is ` +
        'not supported: regular expressions use RE2 syntax, which runs in linear time and ' +
        'has no backreferences, lookahead, lookbehind, atomic groups or possessive quantifiers',
    );
  }
  let flags = 0;
  if (options.caseInsensitive) flags |= RE2JS.CASE_INSENSITIVE;
  if (options.multiline) flags |= RE2JS.MULTILINE;
  if (options.dotAll) flags |= RE2JS.DOTALL;
  try {
    return new LinearRegex(source, RE2JS.compile(source, flags));
  } catch (err) {
    throw new LogdockError(
      'INVALID_ARGUMENT',
      `${options.field}: invalid regular expression /${excerpt(source)}/: ${excerpt((err as Error).message)}`,
    );
  }
}

/** The first refused construct outside a character class, or null. */
export function findRefusedConstruct(
  source: string,
): { name: string; text: string; position: number } | null {
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (!inClass) {
      for (const { pattern, name } of REFUSED) {
        pattern.lastIndex = i;
        const m = pattern.exec(source);
        if (m) return { name, text: m[0], position: i };
      }
    }
    if (ch === '\\') i++;
    else if (ch === '[') inClass = true;
    else if (ch === ']') inClass = false;
  }
  return null;
}
