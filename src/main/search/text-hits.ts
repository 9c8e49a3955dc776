/**
 * Where a text query's needle occurs in a batch's records area, and a walk over the
 * records that decodes only those holding an occurrence. A batch that passes the batch
 * filter often has one matching record in thousands (one line of a request in a busy log):
 * decoding and testing every record would then cost ten times what finding the needle did.
 * A record can match a text query only if the needle lies inside its own bytes (its key and
 * value are there), so the records without one are counted and skipped undecoded.
 */
import type { SearchQuery } from '../../common/api/messages';
import { LogdockError } from '../../common/errors';
import type { StoredRecord } from '../storage/api';
import { decodeRecords, type RecordBatchHeader } from '../storage/record-batch';
import { findAll, planNeedle, spreadSample, type NeedlePlan } from './needle-plan';
import { requiredLiterals } from './regex-literals';

/** Start positions of the needle in a body, ascending, and the needle's length in bytes. */
export type HitLocator = (body: Buffer) => { starts: number[]; length: number };

/** Bytes, taken across the first body searched, that choose the stretch of the needle to search. */
const SAMPLE_BYTES = 64 * 1024;
/**
 * Bytes searched with a plan before it is made again, on a smaller sample of the body at
 * hand (16 KiB: 0.1-0.6 ms, a few ms a GB). Logs drift: the first lines of a topic are not
 * its later ones (request ids of 3 digits, then of 7), and a stretch chosen on them
 * can cost twice the best one later: `5 GET` of `user=u5 GET`, its `5` rare in
 * `req=123` but three to a line in `req=1234567`.
 */
const REPLAN_BYTES = 64 * 1024 * 1024;
const REPLAN_SAMPLE_BYTES = 16 * 1024;

/**
 * Null when the query has neither a text nor a regex with a required literal, or when its
 * needle is matched by decoding (non-ASCII text ignoring case; a regex literal with k or s
 * ignoring case, which RE2 also matches with the KELVIN SIGN and the LONG S). A regex's
 * longest literal stands for the regex: a record without it cannot match.
 */
export function compileHitLocator(query: SearchQuery | null): HitLocator | null {
  const needle = needleOf(query);
  if (needle === null) return null;
  const caseSensitive = query!.caseSensitive || !/[a-zA-Z]/.test(needle);
  const bytes = Buffer.from(caseSensitive ? needle : needle.toLowerCase(), 'utf8');
  let plan: NeedlePlan | null = null;
  let searched = 0; // bytes searched with `plan`
  return (body) => {
    if (plan === null || searched >= REPLAN_BYTES) {
      const size = plan === null ? SAMPLE_BYTES : REPLAN_SAMPLE_BYTES;
      plan = planNeedle(bytes, caseSensitive, spreadSample(body, size));
      searched = 0;
    }
    searched += body.length;
    return { starts: findAll(body, bytes, plan, !caseSensitive), length: bytes.length };
  };
}

function needleOf(query: SearchQuery | null): string | null {
  if (query === null) return null;
  const ascii = (s: string) => [...s].every((c) => c.charCodeAt(0) < 0x80);
  if (query.text !== undefined) {
    if (query.text.length === 0) return null;
    return query.caseSensitive || ascii(query.text) ? query.text : null;
  }
  if (query.regex === undefined) return null;
  const literals = requiredLiterals(query.regex);
  if (literals.length === 0) return null;
  const longest = literals.reduce((a, b) => (b.length > a.length ? b : a));
  return query.caseSensitive || !/[ks]/i.test(longest) ? longest : null;
}

/**
 * Calls `visit` for each record of an uncompressed records area that holds an occurrence
 * of the needle, with the record decoded, its index in the batch and the position of its
 * end; stops when `visit` returns false or no occurrence is left. Records in between are
 * stepped over by their length prefix alone, undecoded.
 * @throws LogdockError CORRUPT_RECORD when a length runs outside the area.
 */
export function walkHits(
  body: Buffer,
  header: RecordBatchHeader,
  hits: { starts: number[]; length: number },
  visit: (index: number, record: StoredRecord, end: number) => boolean,
): void {
  const single = { ...header, compression: 'none' as const, recordCount: 1 };
  const { starts, length } = hits;
  const bytes = body.length;
  let h = 0;
  let next = starts.length > 0 ? starts[0] : Infinity; // the next hit not yet passed
  let pos = 0;
  for (let i = 0; i < header.recordCount && next !== Infinity; i++) {
    const start = pos;
    // The record's length: a zig-zag varint, read inline with small-integer arithmetic
    // (this runs for every record up to the last hit; lengths of 8 KiB+ take the slow path).
    if (pos >= bytes) throw badLength(header, i);
    let raw = body[pos];
    if (raw < 0x80) pos += 1;
    else if (pos + 1 < bytes && body[pos + 1] < 0x80) {
      raw = (raw & 0x7f) | (body[pos + 1] << 7);
      pos += 2;
    } else {
      const long = readLongVarint(body, pos, header, i);
      raw = long.raw;
      pos = long.pos;
    }
    const size = (raw >>> 1) ^ -(raw & 1);
    const end = pos + size;
    if (size < 0 || end > bytes) throw badLength(header, i);
    pos = end;
    if (next >= end) continue;
    // A hit starts inside this record: it counts if it also ends inside it.
    if (next + length <= end) {
      const record = decodeRecords(body.subarray(start, end), single)[0];
      if (!visit(i, record, end)) return;
    }
    while (h < starts.length && starts[h] < end) h++;
    next = h < starts.length ? starts[h] : Infinity;
  }
}

/** An unsigned varint of up to 5 bytes (a record length of 8 KiB and up) and the position after it. */
function readLongVarint(body: Buffer, at: number, header: RecordBatchHeader, index: number) {
  let raw = 0;
  for (let pos = at, shift = 0; shift <= 28 && pos < body.length; shift += 7) {
    const byte = body[pos++];
    raw += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) {
      if (raw > 0xffffffff) break;
      return { raw, pos };
    }
  }
  throw badLength(header, index);
}

function badLength(header: RecordBatchHeader, index: number): LogdockError {
  return new LogdockError(
    'CORRUPT_RECORD',
    `record ${index} of the batch at offset ${header.baseOffset}: its length runs outside the batch`,
  );
}
