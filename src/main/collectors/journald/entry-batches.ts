/**
 * Journal entries encoded straight from journalctl's export bytes (an ExportScanner's
 * FieldTable) into RecordBatch v2 bytes for `cluster.appendBatches`: no object, string or
 * JSON.parse per field, the field bytes are copied once, into the batch (the record is
 * described in entry.ts). Entries pile up in one buffer as consecutive batches of at most
 * `maxBatchBytes` (an entry larger than that gets a batch of its own) until `take` hands
 * them all over for one append.
 *
 *   record := length:varint attributes:int8=0 timestampDelta:varlong offsetDelta:varint
 *             keyLength:varint key valueLength:varint value headerCount:varint header*
 *   header := keyLength:varint key valueLength:varint value
 */
import {
  RECORD_BATCH_OVERHEAD,
  encodeRecordHeader,
  writeBatchCrc,
  writePlainBatchHeader,
} from '../../storage/record-batch';
import { varlongSize, writeVarlong } from '../../storage/varint';
import { SEVERITIES } from '../parsers/syslog';
import { H } from '../record';
import { entryOf, type FieldTable } from './export-format';
import {
  CURSOR_HEADER,
  FIELD_HEADER_PREFIX,
  JournalEntryError,
  Kind,
  asJson,
  isOwn,
  kindOf,
  levelOf,
  realtimeMs,
} from './entry';
import { EntryJsonWriter } from './json-bytes';
import { cutEntry, scanOne } from './oversized';

const INITIAL_BYTES = 256 * 1024;
const CURSOR_KEY = Buffer.from(CURSOR_HEADER);
const PREFIX = Buffer.from(FIELD_HEADER_PREFIX);

export interface TakenBatches {
  /** Whole batches, one after the other, for one `appendBatches`. */
  batches: Buffer;
  records: number;
  /** The cursor of the last record: the checkpoint once they are appended. */
  cursor: string;
  /** The whole buffer `batches` is a view of (see `release`). */
  storage: Buffer;
}

export class EntryBatchEncoder {
  private out: Buffer = Buffer.allocUnsafe(INITIAL_BYTES);
  /** A buffer given back after its append: reused, so steady reading allocates none. */
  private spare: Buffer | null = null;
  private pos = 0;
  /** The open batch: where it starts (-1: none), its base and max timestamps, records. */
  private batchStart = -1;
  private base = 0;
  private maxTime = 0;
  private inBatch = 0;
  private taken = 0;
  /** Entries cut to fit in a batch so far (oversized.ts). */
  cutEntries = 0;
  /** Where the last record's cursor value is in `out`. */
  private cursorAt = 0;
  private cursorEnd = 0;
  private kinds = new Uint8Array(256);
  private readonly sourceHeader: Buffer;
  private readonly levelHeaders: Buffer[];
  private readonly json = new EntryJsonWriter();

  constructor(
    sourceId: string,
    private readonly fields: 'headers' | 'value',
    private readonly maxBatchBytes: number,
  ) {
    this.sourceHeader = encodeRecordHeader(H.source, Buffer.from(sourceId));
    this.levelHeaders = SEVERITIES.map((s) => encodeRecordHeader(H.level, Buffer.from(s)));
  }

  /** Bytes waiting to be taken. */
  get bytes(): number {
    return this.pos;
  }

  /** Records waiting to be taken. */
  get records(): number {
    return this.taken;
  }

  /** The cursor of the last entry added and not yet taken, or null. */
  lastCursor(): string | null {
    return this.taken === 0 ? null : this.out.toString('latin1', this.cursorAt, this.cursorEnd);
  }

  /**
   * Adds one entry as a record. `now` is its timestamp when it has no usable
   * `__REALTIME_TIMESTAMP`. An entry too large for a batch is cut (oversized.ts); `cutFrom`
   * is the size of the entry it was cut from. @throws JournalEntryError for an entry
   * without a cursor.
   */
  add(t: FieldTable, now: number, cutFrom = -1): void {
    const { buf, at, count } = t;
    if (this.kinds.length < count) this.kinds = new Uint8Array(count * 2);
    const kinds = this.kinds;
    let cursor = -1;
    let realtime = -1;
    let message = -1;
    let priority = -1;
    let key = -1;
    let identifier = -1;
    // Header fields: count and encoded size (only with fields: headers).
    let fieldCount = 0;
    let fieldBytes = 0;
    for (let i = 0; i < count; i++) {
      const k = i * 4;
      const kind = kindOf(buf, at[k], at[k + 1]);
      kinds[i] = kind;
      if (kind === Kind.cursor) cursor = i;
      else if (kind === Kind.realtime) realtime = realtime < 0 ? i : realtime;
      else if (kind === Kind.message) message = message < 0 ? i : message;
      else if (kind === Kind.priority) priority = priority < 0 ? i : priority;
      else if (kind === Kind.unit || kind === Kind.userUnit) key = key < 0 ? i : key;
      else if (kind === Kind.identifier) identifier = identifier < 0 ? i : identifier;
      if (isOwn(kind) || this.fields !== 'headers') continue;
      fieldCount++;
      fieldBytes +=
        sizedBytes(PREFIX.length + at[k + 1] - at[k]) + sizedBytes(at[k + 3] - at[k + 2]);
    }
    if (cursor < 0) throw new JournalEntryError('a journal entry without __CURSOR');
    if (key < 0) key = identifier;
    const ts =
      realtime < 0 ? undefined : realtimeMs(buf, at[realtime * 4 + 2], at[realtime * 4 + 3]);
    const level = priority < 0 ? -1 : levelOf(buf, at[priority * 4 + 2], at[priority * 4 + 3]);

    let value: Buffer = buf;
    let valueStart = 0;
    let valueEnd = 0;
    if (this.fields === 'value') {
      const n = this.json.write(t, kinds, ts, level, message);
      if (n >= 0) {
        value = this.json.bytes(n);
        valueEnd = n;
      } else {
        const m = message < 0 ? undefined : buf.subarray(at[message * 4 + 2], at[message * 4 + 3]);
        value = Buffer.from(JSON.stringify(asJson(entryOf(t), ts, level, m)));
        valueEnd = value.length;
      }
    } else if (message >= 0) {
      valueStart = at[message * 4 + 2];
      valueEnd = at[message * 4 + 3];
    }
    const cursorLen = at[cursor * 4 + 3] - at[cursor * 4 + 2];
    const cut = cutFrom < 0 ? null : encodeRecordHeader(H.cut, Buffer.from(String(cutFrom)));
    const headerCount = 2 + (level >= 0 ? 1 : 0) + (cut ? 1 : 0) + fieldCount;
    const keyLen = key < 0 ? -1 : at[key * 4 + 3] - at[key * 4 + 2];
    // Everything but the timestamp and offset deltas, which depend on the batch.
    const rest =
      (keyLen < 0 ? 1 : sizedBytes(keyLen)) +
      sizedBytes(valueEnd - valueStart) +
      varlongSize(headerCount) +
      this.sourceHeader.length +
      sizedBytes(CURSOR_KEY.length) +
      sizedBytes(cursorLen) +
      (level >= 0 ? this.levelHeaders[level].length : 0) +
      (cut ? cut.length : 0) +
      fieldBytes;
    const time = ts ?? now;
    const alone = 1 + varlongSize(0) * 2 + rest;
    if (RECORD_BATCH_OVERHEAD + varlongSize(alone) + alone > this.maxBatchBytes) {
      this.addCut(t, now, cutFrom);
      return;
    }
    let size = this.recordSize(time, rest);
    if (
      this.inBatch > 0 &&
      this.pos - this.batchStart + varlongSize(size) + size > this.maxBatchBytes
    ) {
      this.seal();
      size = this.recordSize(time, rest);
    }
    this.reserve(RECORD_BATCH_OVERHEAD + varlongSize(size) + size);
    if (this.batchStart < 0) this.open(time);
    const out = this.out;
    let pos = writeVarlong(out, this.pos, size);
    out[pos++] = 0; // attributes
    pos = writeVarlong(out, pos, time - this.base);
    pos = writeVarlong(out, pos, this.inBatch);
    if (keyLen < 0)
      out[pos++] = 1; // zigzag(-1): null
    else pos = writeBytes(out, pos, buf, at[key * 4 + 2], at[key * 4 + 3]);
    pos = writeBytes(out, pos, value, valueStart, valueEnd);
    pos = writeVarlong(out, pos, headerCount);
    pos = copyBytes(this.sourceHeader, 0, this.sourceHeader.length, out, pos);
    pos = writeBytes(out, pos, CURSOR_KEY, 0, CURSOR_KEY.length);
    this.cursorEnd = writeBytes(out, pos, buf, at[cursor * 4 + 2], at[cursor * 4 + 3]);
    this.cursorAt = this.cursorEnd - cursorLen;
    pos = this.cursorEnd;
    if (level >= 0) {
      const h = this.levelHeaders[level];
      pos = copyBytes(h, 0, h.length, out, pos);
    }
    if (cut) pos = copyBytes(cut, 0, cut.length, out, pos);
    if (this.fields === 'headers') {
      for (let i = 0; i < count; i++) {
        if (isOwn(kinds[i] as Kind)) continue;
        const k = i * 4;
        pos = writeVarlong(out, pos, PREFIX.length + at[k + 1] - at[k]);
        pos = copyBytes(PREFIX, 0, PREFIX.length, out, pos);
        pos = copyBytes(buf, at[k], at[k + 1], out, pos);
        pos = writeBytes(out, pos, buf, at[k + 2], at[k + 3]);
      }
    }
    this.pos = pos;
    if (time > this.maxTime) this.maxTime = time;
    this.inBatch++;
    this.taken++;
    if (cut) this.cutEntries++;
  }

  /** Adds the entry of `t` cut to fit in a batch. */
  private addCut(t: FieldTable, now: number, cutFrom: number): void {
    if (cutFrom >= 0) throw new JournalEntryError('a journal entry too large even when cut');
    const size = t.at[t.count * 4 - 1] - t.at[0];
    // Values may grow 6 times as JSON (`\u00XX`); the rest of the record takes the margin.
    const budget = (this.maxBatchBytes - 1024) / (this.fields === 'value' ? 6 : 1);
    scanOne(cutEntry(t, Math.floor(budget)), (cut) => this.add(cut, now, size));
  }

  /** Everything added since the last take, as whole batches, or null when nothing was. */
  take(): TakenBatches | null {
    if (this.taken === 0) return null;
    this.seal();
    const taken: TakenBatches = {
      batches: this.out.subarray(0, this.pos),
      records: this.taken,
      cursor: this.out.toString('latin1', this.cursorAt, this.cursorEnd),
      storage: this.out,
    };
    // The taken bytes belong to the append now (it patches offsets in place).
    this.out = this.spare ?? Buffer.allocUnsafe(INITIAL_BYTES);
    this.spare = null;
    this.pos = 0;
    this.taken = 0;
    return taken;
  }

  /**
   * Gives back the buffer of a take whose append has resolved, to be written again. Not
   * after a failed append: a request that timed out may still be on its way out.
   */
  release(taken: TakenBatches): void {
    if (taken.storage !== this.out) this.spare = taken.storage;
  }

  /** Drops everything not yet taken. */
  clear(): void {
    this.pos = 0;
    this.taken = 0;
    this.inBatch = 0;
    this.batchStart = -1;
  }

  private recordSize(time: number, rest: number): number {
    const base = this.inBatch > 0 ? this.base : time;
    return 1 + varlongSize(time - base) + varlongSize(this.inBatch) + rest;
  }

  private open(time: number): void {
    this.batchStart = this.pos;
    this.pos += RECORD_BATCH_OVERHEAD;
    this.base = time;
    this.maxTime = time;
    this.inBatch = 0;
  }

  /** Writes the open batch's header and CRC. */
  private seal(): void {
    const start = this.batchStart;
    if (start < 0) return;
    const out = this.out;
    // The largest time, not the last: journal time can go backwards (clock changes).
    writePlainBatchHeader(out, start, {
      bytes: this.pos - start,
      count: this.inBatch,
      baseTimestamp: this.base,
      maxTimestamp: this.maxTime,
    });
    writeBatchCrc(out, start);
    this.batchStart = -1;
    this.inBatch = 0;
  }

  private reserve(bytes: number): void {
    if (this.pos + bytes <= this.out.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.out.length * 2, this.pos + bytes));
    this.out.copy(grown, 0, 0, this.pos);
    this.out = grown;
  }
}

/** Size of a length-prefixed byte string. */
function sizedBytes(length: number): number {
  return varlongSize(length) + length;
}

function writeBytes(out: Buffer, pos: number, src: Buffer, start: number, end: number): number {
  return copyBytes(src, start, end, out, writeVarlong(out, pos, end - start));
}

/**
 * Copies `src[start, end)` to `out` at `pos`; returns the end. Most journal names and values
 * are a few bytes long, where a loop beats any native copy's call (and a view's allocation).
 */
function copyBytes(src: Buffer, start: number, end: number, out: Buffer, pos: number): number {
  if (end - start > 48) {
    out.set(src.subarray(start, end), pos);
    return pos + end - start;
  }
  for (let i = start; i < end; i++) out[pos++] = src[i];
  return pos;
}
