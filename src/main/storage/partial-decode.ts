import type { StoredRecord } from './api';
import { decompress } from './compression';
import {
  decodeRecords,
  iterateBatches,
  RECORD_BATCH_OVERHEAD,
  type RecordBatchHeader,
} from './record-batch';
import { readVarlong, type Cursor } from './varint';

/**
 * Decodes at most `maxRecords` records with offset >= `fromOffset` from raw batches (as a
 * Kafka Fetch or BrokerApi.read returns them), skipping earlier records by their length
 * prefix instead of decoding them. A window of 100 rows in the middle of a batch of 5 000
 * therefore costs 100 record decodes, not 5 000: this is most of a seek's latency.
 * Throws CORRUPT_RECORD (from the storage decoder) for malformed bytes.
 */
export function decodeFrom(raw: Buffer, fromOffset: number, maxRecords: number): StoredRecord[] {
  const out: StoredRecord[] = [];
  for (const { header, position, size } of iterateBatches(raw)) {
    if (out.length >= maxRecords) break;
    if (header.baseOffset + header.lastOffsetDelta < fromOffset) continue;
    const area = raw.subarray(position + RECORD_BATCH_OVERHEAD, position + size);
    const body = header.compression === 'none' ? area : decompress(header.compression, area);
    for (const r of decodeSlice(body, header, fromOffset, maxRecords - out.length)) out.push(r);
  }
  return out;
}

function decodeSlice(
  body: Buffer,
  header: RecordBatchHeader,
  fromOffset: number,
  want: number,
): StoredRecord[] {
  const cursor: Cursor = { pos: 0, end: body.length };
  let start = -1;
  let i = 0;
  // Find the first record at or after fromOffset, reading only each record's prefix.
  for (; i < header.recordCount; i++) {
    const at = cursor.pos;
    const length = readVarlong(body, cursor, 'length');
    const recordStart = cursor.pos;
    cursor.pos++; // attributes
    readVarlong(body, cursor, 'timestampDelta');
    const offsetDelta = readVarlong(body, cursor, 'offsetDelta');
    if (header.baseOffset + offsetDelta >= fromOffset) {
      start = at;
      cursor.pos = recordStart + length;
      i++;
      break;
    }
    cursor.pos = recordStart + length;
  }
  if (start === -1) return [];
  // Then find where the wanted records end.
  let n = 1;
  for (; i < header.recordCount && n < want; i++, n++) {
    const length = readVarlong(body, cursor, 'length');
    cursor.pos += length;
  }
  // The storage decoder checks lengths and that the records fill the slice exactly.
  return decodeRecords(body.subarray(start, cursor.pos), {
    ...header,
    compression: 'none',
    recordCount: n,
  });
}
