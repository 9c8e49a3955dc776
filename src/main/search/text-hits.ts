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
  // ASCII ignoring case: a latin1 view matches ASCII letters byte for byte (see query.ts).
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
