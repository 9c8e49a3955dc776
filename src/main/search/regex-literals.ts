/**
 * Literal strings that every match of a regular expression (RE2 syntax) contains: for
 * `req=12345[0-9]+ user` these are `req=12345` and ` user`. A value lacking one cannot
 * match, and Buffer.indexOf finds that far faster than any regex engine, so the search
 * tests the regex only on values (and batches) that contain them all — the literal
 * pre-filter grep and RE2 use.
 *
 * Deliberately conservative: only the top level of the pattern is read (a group, a class,
 * an escape class or `.` ends a literal run); an alternation `|` at the top level or an
 * inline flag group gives no literals at all; an atom made optional by `?`, `*` or
 * `{0,…}` is dropped. Only printable ASCII is kept, whose UTF-8 bytes are themselves.
 */
export function requiredLiterals(source: string): string[] {
  const runs: string[] = [];
  let run = '';
  let lastWasLiteral = false;
  const flush = () => {
    if (run !== '') runs.push(run);
    run = '';
    lastWasLiteral = false;
  };
  let i = 0;
  while (i < source.length) {
    const ch = source[i];
    const quantifier = readQuantifier(source, i);
    if (quantifier !== null) {
      // The atom before it may be absent (min 0) or repeated: either way the run ends.
      if (quantifier.min === 0 && lastWasLiteral) run = run.slice(0, -1);
      flush();
      i = quantifier.end;
      if (source[i] === '?') i++; // lazy
      continue;
    }
    if (ch === '|') return [];
    if (ch === '(') {
      if (source.startsWith('(?', i) && !/^\(\?(:|P?<[A-Za-z_])/.test(source.slice(i, i + 5))) {
        return []; // (?i) and friends change how the rest matches
      }
      flush();
      i = skipGroup(source, i);
      continue;
    }
    if (ch === '[') {
      flush();
      i = skipClass(source, i);
      continue;
    }
    if (ch === '\\') {
      const next = source[i + 1] ?? '';
      if (/[A-Za-z0-9]/.test(next) || next === '') {
        flush(); // \d, \b, \pL, \x41, \Q…: not read as literals here
        if (next === 'Q') return runs; // a quoted section to \E: stop reading, keep what we have
      } else {
        appendLiteral(next);
      }
      i += 2;
      continue;
    }
    if (ch === '.' || ch === '^' || ch === '$') flush();
    else appendLiteral(ch);
    i++;
  }
  flush();
  return runs;

  function appendLiteral(c: string): void {
    if (c >= ' ' && c <= '~') {
      run += c;
      lastWasLiteral = true;
    } else {
      flush();
    }
  }
}

/** `*`, `+`, `?` or a valid `{n}`, `{n,}`, `{n,m}` at `i`; null when there is none. */
function readQuantifier(source: string, i: number): { min: number; end: number } | null {
  const ch = source[i];
  if (ch === '*' || ch === '?') return { min: 0, end: i + 1 };
  if (ch === '+') return { min: 1, end: i + 1 };
  if (ch !== '{') return null;
  const m = /^\{(\d+)(,\d*)?\}/.exec(source.slice(i));
  return m ? { min: Number(m[1]), end: i + m[0].length } : null; // else a literal `{`
}

/** The index after the `)` closing the group opened at `start`. */
function skipGroup(source: string, start: number): number {
  let depth = 0;
  for (let i = start; i < source.length; i++) {
    const ch = source[i];
    if (ch === '\\') i++;
    else if (ch === '[') i = skipClass(source, i) - 1;
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return i + 1;
  }
  return source.length;
}

/** The index after the `]` closing the class opened at `start` (`[]…]` holds a `]`). */
function skipClass(source: string, start: number): number {
  let i = start + 1;
  if (source[i] === '^') i++;
  if (source[i] === ']') i++;
  for (; i < source.length; i++) {
    if (source[i] === '\\') i++;
    else if (source.startsWith('[:', i)) {
      const close = source.indexOf(':]', i + 2);
      if (close !== -1) i = close + 1;
    } else if (source[i] === ']') return i + 1;
  }
  return source.length;
}
