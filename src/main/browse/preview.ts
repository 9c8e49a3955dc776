import type { MessageRow, Preview } from '../../common/api/messages';
import type { StoredRecord } from '../storage/api';

const HEADER_PREVIEW_BYTES = 256;
/**
 * Headers a table row carries, and how much of each key. Without a bound a record of many
 * tiny headers multiplied in every row that shows it: 20,000 headers take ~80 KB in the log
 * and ~1.5 MB of JSON in a row, so a page of 1,000 such rows was over a gigabyte for one
 * call. The table shows only their count and keys; the detail (messages.get) has them all.
 */
export const MAX_ROW_HEADERS = 32;
const ROW_HEADER_KEY_CHARS = 256;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A bounded, displayable view of a key, value or header: at most `limit` bytes as UTF-8
 * text, or, for binary data, hex pairs of at most limit/3 bytes. Never copies more than
 * `limit` bytes of the source, whatever its size.
 */
export function makePreview(buf: Buffer | null, limit: number): Preview | null {
  if (buf === null) return null;
  const size = buf.length;
  let slice = buf.subarray(0, Math.min(size, limit));
  if (slice.length < size) slice = slice.subarray(0, completeUtf8Length(slice));
  if (!looksBinary(slice)) {
    try {
      const text = utf8.decode(slice);
      return { text, size, truncated: slice.length < size, binary: false };
    } catch {
      // invalid UTF-8: fall through to hex
    }
  }
  const shown = buf.subarray(0, Math.min(size, Math.max(1, Math.floor(limit / 3))));
  return { text: toHexPairs(shown), size, truncated: shown.length < size, binary: true };
}

/** "0a ff 10" */
export function toHexPairs(buf: Buffer): string {
  return buf.toString('hex').replace(/(..)(?!$)/g, '$1 ');
}

/** Control bytes other than tab, newlines, form feed and ESC (ANSI colours) mean binary. */
function looksBinary(buf: Buffer): boolean {
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i];
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1b) return true;
  }
  return false;
}

/** Length of `buf` without a multi-byte UTF-8 character cut at its end. */
function completeUtf8Length(buf: Buffer): number {
  let i = buf.length - 1;
  let continuation = 0;
  while (i >= 0 && continuation < 3 && (buf[i] & 0xc0) === 0x80) {
    i--;
    continuation++;
  }
  if (i < 0) return buf.length;
  const lead = buf[i];
  const need = lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : lead >= 0xc0 ? 1 : 0;
  return need > continuation ? i : buf.length;
}

const LEVELS: Record<string, string> = {
  TRACE: 'TRACE',
  DEBUG: 'DEBUG',
  INFO: 'INFO',
  NOTICE: 'NOTICE',
  WARN: 'WARN',
  WARNING: 'WARN',
  ERR: 'ERROR',
  ERROR: 'ERROR',
  CRIT: 'CRIT',
  CRITICAL: 'CRIT',
  FATAL: 'FATAL',
  ALERT: 'ALERT',
  EMERG: 'EMERG',
  PANIC: 'FATAL',
};
const JSON_LEVEL = /"(?:level|severity|lvl|loglevel|log\.level|levelname)"\s*:\s*"([A-Za-z]+)"/i;
const WORD_LEVEL =
  /\b(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERR|ERROR|CRIT|CRITICAL|FATAL|ALERT|EMERG|PANIC)\b/;

/**
 * The log level of a message, from a `level`/`severity` header, a JSON field in the first
 * bytes of the value, or an upper-case level word near the start of a text line.
 */
export function detectLevel(record: StoredRecord): string | null {
  for (const h of record.headers) {
    const k = h.key.toLowerCase();
    if ((k === 'level' || k === 'severity') && h.value) {
      return normalizeLevel(h.value.toString('utf8', 0, 16));
    }
  }
  if (!record.value) return null;
  const head = record.value.toString('latin1', 0, Math.min(record.value.length, 400));
  const m = JSON_LEVEL.exec(head) ?? WORD_LEVEL.exec(head.slice(0, 120));
  return m ? normalizeLevel(m[1]) : null;
}

function normalizeLevel(s: string): string | null {
  const up = s.trim().toUpperCase();
  return LEVELS[up] ?? (up.length > 0 && up.length <= 8 ? up : null);
}

/** The table row of a record: previews only, never the full value. */
export function toRow(
  record: StoredRecord,
  partition: number,
  index: number,
  previewBytes: number,
): MessageRow {
  return {
    index,
    partition,
    offset: record.offset,
    timestamp: record.timestamp,
    key: makePreview(record.key, Math.min(previewBytes, 256)),
    value: makePreview(record.value, previewBytes),
    headers: record.headers.slice(0, MAX_ROW_HEADERS).map((h) => ({
      key: h.key.length > ROW_HEADER_KEY_CHARS ? h.key.slice(0, ROW_HEADER_KEY_CHARS) : h.key,
      value: makePreview(h.value, HEADER_PREVIEW_BYTES),
    })),
    ...(record.headers.length > MAX_ROW_HEADERS
      ? { headersOmitted: record.headers.length - MAX_ROW_HEADERS }
      : {}),
    level: detectLevel(record),
  };
}
