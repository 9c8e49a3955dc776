/**
 * Splits the bytes of a file, read in chunks in order, into lines with their byte
 * offsets. It knows the newline of each encoding (one byte 0x0A, or the UTF-16 code unit
 * 0x000A at an even offset), re-encodes every line to UTF-8 (invalid UTF-8 is replaced by
 * U+FFFD and counted), drops a trailing CR and a byte-order mark at offset 0, and cuts
 * lines longer than `maxLineBytes`: the first bytes are kept, the rest is skipped up to
 * the newline, and the line is flagged. A line is only returned once its newline has been
 * read, so `pendingStart` (the first byte of the unfinished line) is where reading must
 * resume after a restart.
 */
import { isUtf8 } from 'node:buffer';

export type Encoding = 'utf8' | 'utf16le' | 'utf16be' | 'latin1';

export interface Line {
  /** Byte offset of the line's first byte in the file. */
  start: number;
  /** Byte offset just past the newline. */
  end: number;
  /** The line as UTF-8, without newline. */
  text: Buffer;
  /** Length in file bytes when the line was cut, else undefined. */
  cutFrom?: number;
  /** Invalid byte sequences replaced in this line. */
  invalid: number;
}

const CR = 0x0d;
const LF = 0x0a;
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export class LineSplitter {
  private readonly unit: number;
  private readonly decoder: TextDecoder | null;
  /** Bytes of the current unfinished line (at most maxLineBytes). */
  private carry: Buffer[] = [];
  private carryBytes = 0;
  /** Total file bytes of the unfinished line, including any skipped beyond the limit. */
  private lineBytes = 0;
  private lineStart: number;
  private next: number;

  constructor(
    private readonly encoding: Encoding,
    private readonly maxLineBytes: number,
    position = 0,
  ) {
    this.unit = encoding === 'utf16le' || encoding === 'utf16be' ? 2 : 1;
    this.decoder =
      encoding === 'utf16le' || encoding === 'utf16be'
        ? new TextDecoder(encoding === 'utf16le' ? 'utf-16le' : 'utf-16be', { ignoreBOM: true })
        : null;
    this.lineStart = position;
    this.next = position;
  }

  /** File offset of the first byte not yet returned in a complete line. */
  get pendingStart(): number {
    return this.lineStart;
  }

  /** File offset the next chunk must start at. */
  get expected(): number {
    return this.next;
  }

  /** Bytes held for an unfinished line. */
  get pendingBytes(): number {
    return this.lineBytes;
  }

  /** Forgets any unfinished line and continues at `position` (after truncation or a restart). */
  reset(position: number): void {
    this.carry = [];
    this.carryBytes = 0;
    this.lineBytes = 0;
    this.lineStart = position;
    this.next = position;
  }

  /**
   * Returns the unfinished line as if its newline had been read, or null when none is
   * held. Used when a rotated-away file has stopped growing: its last line will never be
   * completed.
   */
  flushPartial(): Line | null {
    if (this.lineBytes === 0) return null;
    const end = this.next;
    const start = this.lineStart;
    const total = this.lineBytes;
    const raw = Buffer.concat(this.carry, this.carryBytes);
    const cut = total > this.maxLineBytes;
    this.carry = [];
    this.carryBytes = 0;
    this.lineBytes = 0;
    this.lineStart = end;
    const { text, invalid } = this.decode(raw, cut, false);
    const line: Line = { start, end, text, invalid };
    if (cut) line.cutFrom = total;
    return line;
  }

  /**
   * Takes the next chunk of the file (it must start at `expected`) and returns the lines it
   * completes. The chunk is not copied: its bytes are referenced by the returned lines.
   */
  push(chunk: Buffer): Line[] {
    const base = this.next;
    this.next += chunk.length;
    const lines: Line[] = [];
    let from = 0;
    if (base === 0 && this.lineBytes === 0) from = this.bomLength(chunk);
    if (from > 0) this.lineStart = from;
    const validAll = this.encoding === 'utf8' && this.carryBytes === 0 && isUtf8(chunk);
    while (from < chunk.length) {
      const nl = this.findNewline(chunk, from, base);
      if (nl < 0) {
        this.hold(chunk.subarray(from));
        break;
      }
      const piece = chunk.subarray(from, nl);
      const end = base + nl + this.unit;
      lines.push(this.finish(piece, end, validAll));
      from = nl + this.unit;
    }
    return lines;
  }

  private bomLength(chunk: Buffer): number {
    if (this.encoding === 'utf8' && chunk.length >= 3 && chunk.subarray(0, 3).equals(UTF8_BOM))
      return 3;
    if (this.encoding === 'utf16le' && chunk[0] === 0xff && chunk[1] === 0xfe) return 2;
    if (this.encoding === 'utf16be' && chunk[0] === 0xfe && chunk[1] === 0xff) return 2;
    return 0;
  }

  /** Index in `chunk` of the next newline at or after `from`, or -1. */
  private findNewline(chunk: Buffer, from: number, base: number): number {
    if (this.unit === 1) return chunk.indexOf(LF, from);
    const pattern = this.encoding === 'utf16le' ? 0x000a : 0x0a00;
    const needle = Buffer.from([pattern & 0xff, pattern >> 8]);
    let i = from;
    while (true) {
      const at = chunk.indexOf(needle, i);
      if (at < 0) return -1;
      // Code units sit at even file offsets; an odd hit straddles two units.
      if ((base + at) % 2 === 0) return at;
      i = at + 1;
    }
  }

  private hold(piece: Buffer): void {
    this.lineBytes += piece.length;
    const room = this.maxLineBytes - this.carryBytes;
    if (room <= 0) return;
    const kept = piece.length <= room ? piece : piece.subarray(0, room);
    // Copy: the caller may reuse its read buffer for the next chunk.
    this.carry.push(Buffer.from(kept));
    this.carryBytes += kept.length;
  }

  private finish(piece: Buffer, end: number, validAll: boolean): Line {
    const start = this.lineStart;
    const total = this.lineBytes + piece.length;
    let raw: Buffer;
    if (this.carryBytes === 0) {
      raw = piece.length > this.maxLineBytes ? piece.subarray(0, this.maxLineBytes) : piece;
    } else {
      this.hold(piece);
      raw = Buffer.concat(this.carry, this.carryBytes);
    }
    const cut = total > this.maxLineBytes;
    this.carry = [];
    this.carryBytes = 0;
    this.lineBytes = 0;
    this.lineStart = end;
    const { text, invalid } = this.decode(raw, cut, validAll && !cut);
    const line: Line = { start, end, text, invalid };
    if (cut) line.cutFrom = total;
    return line;
  }

  private decode(raw: Buffer, cut: boolean, known: boolean): { text: Buffer; invalid: number } {
    if (this.encoding === 'utf8') {
      let bytes = raw;
      if (cut) bytes = trimPartialUtf8(bytes);
      if (!cut && bytes.length > 0 && bytes[bytes.length - 1] === CR) bytes = bytes.subarray(0, -1);
      if (known || isUtf8(bytes)) return { text: bytes, invalid: 0 };
      const str = bytes.toString('utf8');
      return {
        text: Buffer.from(str, 'utf8'),
        invalid: countReplacements(str) - countReplacementsValid(bytes),
      };
    }
    let str: string;
    if (this.decoder) {
      const even = raw.length - (raw.length % 2);
      str = this.decoder.decode(raw.subarray(0, even));
    } else {
      str = raw.toString('latin1');
    }
    if (!cut && str.endsWith('\r')) str = str.slice(0, -1);
    return { text: Buffer.from(str, 'utf8'), invalid: 0 };
  }
}

/** Drops an incomplete multi-byte sequence left at the end by a cut. */
function trimPartialUtf8(bytes: Buffer): Buffer {
  let i = bytes.length - 1;
  let back = 0;
  while (i >= 0 && back < 4 && (bytes[i] & 0xc0) === 0x80) {
    i--;
    back++;
  }
  if (i < 0) return bytes;
  const lead = bytes[i];
  const need = lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : lead >= 0xc0 ? 1 : 0;
  return need > back ? bytes.subarray(0, i) : bytes;
}

function countReplacements(str: string): number {
  let n = 0;
  for (let i = str.indexOf('\ufffd'); i >= 0; i = str.indexOf('\ufffd', i + 1)) n++;
  return n;
}

/** U+FFFD written literally (EF BF BD) in the input is not an invalid byte. */
function countReplacementsValid(bytes: Buffer): number {
  const needle = Buffer.from([0xef, 0xbf, 0xbd]);
  let n = 0;
  for (let i = bytes.indexOf(needle); i >= 0; i = bytes.indexOf(needle, i + 3)) n++;
  return n;
}
