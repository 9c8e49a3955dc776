/**
 * Where a text query's needle occurs in a batch's records area, and a walk over the
 * records that decodes only those holding an occurrence. A batch that passes the batch
 * filter often has one matching record in thousands (one line of a request in a busy log):
 * decoding and testing every record would then cost ten times what finding the needle did.
 * A record can match a text query only if the needle lies inside its own bytes (its key and
 * value are there), so the records without one are counted and skipped undecoded.
 */
import type { SearchQuery } from '../../common/api/messages';
import type { StoredRecord } from '../storage/api';
import { decodeRecords, type RecordBatchHeader } from '../storage/record-batch';
import { readVarlong, type Cursor } from '../storage/varint';

/** Start positions of the needle in a body, ascending, and the needle's length in bytes. */
export type HitLocator = (body: Buffer) => { starts: number[]; length: number };

/** Null when the query has no text, or its text is matched by decoding (non-ASCII ignoring case). */
export function compileHitLocator(query: SearchQuery | null): HitLocator | null {
  const text = query?.text;
  if (text === undefined || text.length === 0) return null;
  if (query!.caseSensitive || !/[a-zA-Z]/.test(text)) {
    const needle = Buffer.from(text, 'utf8');
    return (body) => {
      const starts: number[] = [];
      for (let at = body.indexOf(needle); at !== -1; at = body.indexOf(needle, at + 1)) {
        starts.push(at);
      }
      return { starts, length: needle.length };
    };
  }
  if (![...text].every((c) => c.charCodeAt(0) < 0x80)) return null;
  return anchoredLocator(text) ?? regexLocator(text);
}

/** ASCII ignoring case: a latin1 view matches ASCII letters byte for byte (see query.ts). */
function regexLocator(text: string): HitLocator {
  const re = new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi');
  return (body) => {
    const starts: number[] = [];
    const s = body.toString('latin1');
    re.lastIndex = 0;
    for (let m = re.exec(s); m !== null; m = re.exec(s)) {
      starts.push(m.index);
      re.lastIndex = m.index + 1;
    }
    return { starts, length: text.length };
  };
}

const isLetter = (c: number) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);

/**
 * ASCII ignoring case through memmem: the needle's 2-4 byte stretch with the fewest letters
 * (`=U5 ` in `user=u5 get`) is searched with Buffer.indexOf in each of its case spellings
 * (at most 4), and each place found is checked against the whole needle. Several times
 * faster than a case-insensitive regex, which tests every byte. Null when every stretch has
 * three letters or more (8+ spellings): the regex is then the faster.
 */
function anchoredLocator(text: string): HitLocator | null {
  const lower = Buffer.from(text.toLowerCase(), 'latin1');
  let best: { at: number; size: number; letters: number } | null = null;
  for (let size = Math.min(4, lower.length); size >= 2; size--) {
    for (let at = 0; at + size <= lower.length; at++) {
      let letters = 0;
      for (let j = at; j < at + size; j++) if (isLetter(lower[j])) letters++;
      if (best === null || letters < best.letters) best = { at, size, letters };
    }
  }
  if (best === null || best.letters > 2) return null;
  const { at, size } = best;
  const spellings = caseSpellings(lower.subarray(at, at + size));
  return (body) => {
    const starts: number[] = [];
    for (const s of spellings) {
      for (let i = body.indexOf(s); i !== -1; i = body.indexOf(s, i + 1)) {
        const start = i - at;
        if (start >= 0 && start + lower.length <= body.length && equalsFolded(body, start, lower))
          starts.push(start);
      }
    }
    if (spellings.length > 1) starts.sort((a, b) => a - b);
    return { starts, length: lower.length };
  };
}

/** Every upper/lower spelling of an ASCII string's letters. */
function caseSpellings(lower: Buffer): Buffer[] {
  let out = [Buffer.from(lower)];
  for (let j = 0; j < lower.length; j++) {
    if (!isLetter(lower[j])) continue;
    out = out.flatMap((b) => {
      const upper = Buffer.from(b);
      upper[j] = b[j] - 0x20;
      return [b, upper];
    });
  }
  return out;
}

/** True when `body` at `start` spells `lower` (lower-case ASCII) ignoring ASCII case. */
function equalsFolded(body: Buffer, start: number, lower: Buffer): boolean {
  for (let j = 0; j < lower.length; j++) {
    const c = body[start + j];
    if ((c >= 0x41 && c <= 0x5a ? c | 0x20 : c) !== lower[j]) return false;
  }
  return true;
}

/**
 * Calls `visit` for every record of an uncompressed records area with its offset, its size
 * and, when the needle occurs inside it, the decoded record (else null).
 */
export function walkRecords(
  body: Buffer,
  header: RecordBatchHeader,
  hits: { starts: number[]; length: number },
  visit: (offset: number, size: number, record: StoredRecord | null) => boolean,
): void {
  const cursor: Cursor = { pos: 0, end: body.length };
  const single = { ...header, compression: 'none' as const, recordCount: 1 };
  let h = 0;
  for (let i = 0; i < header.recordCount; i++) {
    const start = cursor.pos;
    cursor.end = body.length;
    const length = readVarlong(body, cursor, 'length');
    const end = cursor.pos + length;
    cursor.pos++; // attributes
    readVarlong(body, cursor, 'timestampDelta');
    const offset = header.baseOffset + readVarlong(body, cursor, 'offsetDelta');
    while (h < hits.starts.length && hits.starts[h] < start) h++;
    const inside = h < hits.starts.length && hits.starts[h] + hits.length <= end;
    const record = inside ? decodeRecords(body.subarray(start, end), single)[0] : null;
    if (!visit(offset, end - start, record)) return;
    cursor.pos = end;
  }
}
