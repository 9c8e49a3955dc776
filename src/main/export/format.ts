import type { StoredRecord } from '../storage/api';

/**
 * Line encodings of an export. Text fields are written as UTF-8 text when they are valid
 * UTF-8 and as base64 otherwise (JSON Lines says which in `keyEncoding`/`valueEncoding`;
 * CSV has an encoding column), so that an export loses no byte of binary messages.
 */
export type ExportFormat = 'jsonl' | 'csv';

const utf8 = new TextDecoder('utf-8', { fatal: true });

function encodeField(buf: Buffer | null): { text: string | null; encoding: 'utf8' | 'base64' } {
  if (buf === null) return { text: null, encoding: 'utf8' };
  try {
    return { text: utf8.decode(buf), encoding: 'utf8' };
  } catch {
    return { text: buf.toString('base64'), encoding: 'base64' };
  }
}

function headerObject(r: StoredRecord): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const h of r.headers)
    out[h.key] = h.value === null ? null : (encodeField(h.value).text ?? null);
  return out;
}

export function jsonLine(topic: string, partition: number, r: StoredRecord): string {
  const key = encodeField(r.key);
  const value = encodeField(r.value);
  const line: Record<string, unknown> = {
    topic,
    partition,
    offset: r.offset,
    timestamp: r.timestamp,
    key: key.text,
    value: value.text,
    headers: headerObject(r),
  };
  if (key.encoding === 'base64') line.keyEncoding = 'base64';
  if (value.encoding === 'base64') line.valueEncoding = 'base64';
  return JSON.stringify(line) + '\n';
}

export const CSV_HEADER = 'topic,partition,offset,timestamp,time,key,value,encoding,headers\r\n';

/** RFC 4180: fields with a comma, quote or line break are quoted, quotes doubled. */
export function csvField(s: string | null): string {
  if (s === null) return '';
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(topic: string, partition: number, r: StoredRecord): string {
  const key = encodeField(r.key);
  const value = encodeField(r.value);
  const encoding = key.encoding === 'base64' || value.encoding === 'base64' ? 'base64' : 'utf8';
  // When either field is binary both are base64, so the encoding column covers the row.
  const text = (f: Buffer | null, e: ReturnType<typeof encodeField>) =>
    encoding === 'base64' && f !== null ? f.toString('base64') : e.text;
  const time =
    Number.isFinite(r.timestamp) && r.timestamp >= 0 ? new Date(r.timestamp).toISOString() : '';
  return (
    [
      csvField(topic),
      String(partition),
      String(r.offset),
      String(r.timestamp),
      time,
      csvField(text(r.key, key)),
      csvField(text(r.value, value)),
      encoding,
      csvField(r.headers.length ? JSON.stringify(headerObject(r)) : ''),
    ].join(',') + '\r\n'
  );
}
