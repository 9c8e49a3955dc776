/**
 * logfmt (`time=2024-01-01T00:00:00Z level=info msg="hello world" n=3`): space-separated
 * `key=value` pairs, values optionally double-quoted with backslash escapes, a bare key
 * meaning `true`. Returns an Error when the line has no pair at all or an unclosed quote.
 */
export function parseLogfmt(text: string): Record<string, string> | Error {
  const out: Record<string, string> = {};
  let i = 0;
  let pairs = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && text[i] === ' ') i++;
    if (i >= n) break;
    const keyStart = i;
    while (i < n && text[i] !== '=' && text[i] !== ' ') i++;
    const key = text.slice(keyStart, i);
    if (key === '') return new Error(`logfmt: empty key at column ${i + 1}`);
    if (text[i] !== '=') {
      out[key] = 'true';
      continue;
    }
    i++;
    if (text[i] === '"') {
      i++;
      let value = '';
      let closed = false;
      while (i < n) {
        const c = text[i];
        if (c === '\\' && i + 1 < n) {
          const e = text[i + 1];
          value += e === 'n' ? '\n' : e === 't' ? '\t' : e;
          i += 2;
        } else if (c === '"') {
          closed = true;
          i++;
          break;
        } else {
          value += c;
          i++;
        }
      }
      if (!closed) return new Error(`logfmt: unclosed quote in the value of "${key}"`);
      out[key] = value;
    } else {
      const valueStart = i;
      while (i < n && text[i] !== ' ') i++;
      out[key] = text.slice(valueStart, i);
    }
    pairs++;
  }
  if (pairs === 0) return new Error('logfmt: no key=value pair');
  return out;
}
