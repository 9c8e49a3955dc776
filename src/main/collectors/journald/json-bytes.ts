/**
 * The `fields: value` JSON of a journal entry (see entry.ts) written byte by byte from the
 * export bytes, the same text `JSON.stringify(asJson(...))` gives but without a string per
 * field: UTF-8 values are copied with JSON's escapes (`\"`, `\\`, `\b\f\n\r\t`, `\u00XX` for
 * other control bytes), other values become arrays of byte values. Entries it does not
 * take (a repeated field, a name that is not a journal field name: `[A-Z0-9_]+`) are left
 * to `asJson`: `write` then returns -1.
 */
import { isUtf8 } from 'node:buffer';
import { SEVERITIES } from '../parsers/syslog';
import type { FieldTable } from './export-format';
import { Kind, isOwn } from './entry';

const HEX = Buffer.from('0123456789abcdef');
/** JSON's escape of each byte below 0x20 and of `"` and `\`; 0 for bytes copied as they are. */
const ESCAPE = new Uint8Array(256);
for (let b = 0; b < 0x20; b++) ESCAPE[b] = 117; // u
ESCAPE[8] = 98; // b
ESCAPE[9] = 116; // t
ESCAPE[10] = 110; // n
ESCAPE[12] = 102; // f
ESCAPE[13] = 114; // r
ESCAPE[34] = 34; // "
ESCAPE[92] = 92; // \

const LEVELS = SEVERITIES.map((s) => Buffer.from(`,"level":"${s}"`));
const MESSAGE = Buffer.from(',"message":');
const NULL = Buffer.from('null');
const FIELDS = Buffer.from(',"fields":{');

export class EntryJsonWriter {
  private out = Buffer.allocUnsafe(64 * 1024);
  /** `"timestamp":"YYYY-MM-DDTHH:MM:SS.` of the second last written: entries come in runs. */
  private second = NaN;
  private secondPrefix = Buffer.alloc(0);

  /**
   * Writes the JSON of the entry in `t` (its field kinds in `kinds`) and returns its length
   * in `bytes()`, or -1 when the entry is one `asJson` must write.
   */
  write(
    t: FieldTable,
    kinds: Uint8Array,
    timestamp: number | undefined,
    level: number,
    message: number,
  ): number {
    const { buf, at, count } = t;
    if (!namesPlainAndUnique(t, kinds)) return -1;
    // Worst case: every byte of a value becomes `\u00XX` (6 bytes) or `255,` (4 bytes).
    let bound = 128;
    for (let i = 0; i < count; i++)
      bound += at[i * 4 + 1] - at[i * 4] + 8 + 6 * (at[i * 4 + 3] - at[i * 4 + 2]);
    if (this.out.length < bound) this.out = Buffer.allocUnsafe(bound * 2);
    const out = this.out;
    let pos = 0;
    out[pos++] = 123; // {
    if (timestamp !== undefined) pos = this.writeTimestamp(timestamp, out, pos);
    if (level >= 0) pos = copy(LEVELS[level], out, pos);
    pos = copy(MESSAGE, out, pos);
    if (message < 0) pos = copy(NULL, out, pos);
    else {
      const s = at[message * 4 + 2];
      const e = at[message * 4 + 3];
      const end = writeString(buf, s, e, out, pos);
      // Not UTF-8: as `toString('utf8')` has it, with replacement characters.
      pos = end >= 0 ? end : pos + out.write(JSON.stringify(buf.toString('utf8', s, e)), pos);
    }
    pos = copy(FIELDS, out, pos);
    let first = true;
    for (let i = 0; i < count; i++) {
      if (isOwn(kinds[i] as Kind)) continue;
      const k = i * 4;
      if (!first) out[pos++] = 44; // ,
      first = false;
      out[pos++] = 34;
      for (let p = at[k]; p < at[k + 1]; p++) out[pos++] = buf[p];
      out[pos++] = 34;
      out[pos++] = 58; // :
      const end = writeString(buf, at[k + 2], at[k + 3], out, pos);
      pos = end >= 0 ? end : writeByteArray(buf, at[k + 2], at[k + 3], out, pos);
    }
    out[pos++] = 125;
    out[pos++] = 125;
    // A leading comma when there was no timestamp: `{,"level"` → `{"level"`.
    if (out[1] === 44) {
      out.copyWithin(1, 2, pos);
      pos--;
    }
    return pos;
  }

  /** `"timestamp":"<ISO 8601>"` as `Date#toISOString` has it. */
  private writeTimestamp(ms: number, out: Buffer, pos: number): number {
    const second = Math.floor(ms / 1000);
    const iso = second === this.second ? null : new Date(ms).toISOString();
    // Years beyond 9999 make a longer, signed ISO string: not cached.
    if (iso !== null && iso.length !== 24)
      return pos + out.write(`"timestamp":"${iso}"`, pos, 'latin1');
    if (iso !== null) {
      this.second = second;
      this.secondPrefix = Buffer.from(`"timestamp":"${iso.slice(0, 20)}`, 'latin1');
    }
    pos = copy(this.secondPrefix, out, pos);
    const milli = ms - second * 1000;
    out[pos++] = 48 + Math.floor(milli / 100);
    out[pos++] = 48 + (Math.floor(milli / 10) % 10);
    out[pos++] = 48 + (milli % 10);
    out[pos++] = 90; // Z
    out[pos++] = 34;
    return pos;
  }

  /** The bytes `write` produced (valid until the next call). */
  bytes(length: number): Buffer {
    return this.out.subarray(0, length);
  }
}

function copy(src: Buffer, out: Buffer, pos: number): number {
  out.set(src, pos);
  return pos + src.length;
}

/**
 * Names are journal field names (`[A-Z0-9_]+`, nothing to escape) and none but the
 * record's own ones repeats. Byte loops: a journal entry has a few dozen short names.
 */
function namesPlainAndUnique(t: FieldTable, kinds: Uint8Array): boolean {
  const { buf, at, count } = t;
  for (let i = 0; i < count; i++) {
    if (isOwn(kinds[i] as Kind)) continue;
    const s = at[i * 4];
    const e = at[i * 4 + 1];
    for (let p = s; p < e; p++) {
      const b = buf[p];
      if (!((b >= 65 && b <= 90) || (b >= 48 && b <= 57) || b === 95)) return false;
    }
    for (let j = 0; j < i; j++) {
      if (isOwn(kinds[j] as Kind)) continue;
      const sj = at[j * 4];
      if (at[j * 4 + 1] - sj !== e - s) continue;
      let p = 0;
      while (p < e - s && buf[sj + p] === buf[s + p]) p++;
      if (p === e - s) return false;
    }
  }
  return true;
}

/**
 * `buf[s, e)` as a JSON string at `pos`; returns the end, or -1 when the bytes are not UTF-8
 * (nothing useful is written then). ASCII is checked as it is copied; the first byte above
 * 0x7f has the whole value checked once.
 */
function writeString(buf: Buffer, s: number, e: number, out: Buffer, pos: number): number {
  let checked = false;
  out[pos++] = 34;
  for (let p = s; p < e; p++) {
    const b = buf[p];
    if (b >= 0x80 && !checked) {
      if (!isUtf8(buf.subarray(s, e))) return -1;
      checked = true;
    }
    const esc = ESCAPE[b];
    if (esc === 0) {
      out[pos++] = b;
      continue;
    }
    out[pos++] = 92;
    out[pos++] = esc;
    if (esc === 117) {
      out[pos++] = 48;
      out[pos++] = 48;
      out[pos++] = HEX[b >> 4];
      out[pos++] = HEX[b & 15];
    }
  }
  out[pos++] = 34;
  return pos;
}

function writeByteArray(buf: Buffer, s: number, e: number, out: Buffer, pos: number): number {
  out[pos++] = 91; // [
  for (let p = s; p < e; p++) {
    if (p > s) out[pos++] = 44;
    const b = buf[p];
    if (b >= 100) out[pos++] = 48 + Math.floor(b / 100);
    if (b >= 10) out[pos++] = 48 + (Math.floor(b / 10) % 10);
    out[pos++] = 48 + (b % 10);
  }
  out[pos++] = 93;
  return pos;
}
