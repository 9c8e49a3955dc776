import type { StoredRecord } from '../storage/api';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes as text when they are valid UTF-8, otherwise `{ base64 }` so nothing is lost. */
export function encodeBytes(buf: Buffer | null): string | { base64: string } | null {
  if (buf === null) return null;
  try {
    return utf8.decode(buf);
  } catch {
    return { base64: buf.toString('base64') };
  }
}

/**
 * One message as a JSON Lines row of a replay file: topic, partition, offset, timestamp, key,
 * value and headers, with binary bytes base64-encoded. Ends with a newline.
 */
export function recordToJsonLine(topic: string, partition: number, record: StoredRecord): string {
  return `${JSON.stringify({
    topic,
    partition,
    offset: record.offset,
    timestamp: record.timestamp,
    key: encodeBytes(record.key),
    value: encodeBytes(record.value),
    headers: record.headers.map((h) => ({ key: h.key, value: encodeBytes(h.value) })),
  })}\n`;
}
