/**
 * The compression codecs of Kafka's record batch (attributes bits 0-2), each through a
 * maintained native library: gzip (node:zlib), snappy (`snappy`), lz4 (`lz4-napi`, standard
 * LZ4 frame format as Kafka's v2 batches use), zstd (`zstd-napi`). Only the records area of a
 * batch is compressed. Client batches are never re-compressed: this is used only where
 * records are encoded (appendRecords, compaction) or decoded.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { compressSync as snappyCompress, uncompressSync as snappyUncompress } from 'snappy';
import { compressFrameSync, decompressFrameSync } from 'lz4-napi';
import { compress as zstdCompress, decompress as zstdDecompress } from 'zstd-napi';
import { LogdockError } from '../../common/errors';
import type { CompressionCodec } from './api';

/** Codec ids as stored in the low 3 bits of a batch's attributes. */
export const CODEC_IDS: Record<CompressionCodec, number> = {
  none: 0,
  gzip: 1,
  snappy: 2,
  lz4: 3,
  zstd: 4,
};

const CODECS_BY_ID: CompressionCodec[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

/** Maps attribute bits to a codec; throws CORRUPT_RECORD for the reserved ids 5-7. */
export function codecFromId(id: number): CompressionCodec {
  const codec = CODECS_BY_ID[id];
  if (codec === undefined) {
    throw new LogdockError(
      'CORRUPT_RECORD',
      `unknown compression codec id ${id} in batch attributes`,
    );
  }
  return codec;
}

/** Compresses `buf` with `codec` (snappy: raw block, as librdkafka sends it). Synchronous. */
export function compress(codec: CompressionCodec, buf: Buffer): Buffer {
  switch (codec) {
    case 'none':
      return buf;
    case 'gzip':
      return gzipSync(buf);
    case 'snappy':
      return snappyCompress(buf);
    case 'lz4':
      return compressFrameSync(buf);
    case 'zstd':
      return zstdCompress(buf);
  }
}

/**
 * Decompresses `buf`. Snappy accepts both raw blocks (librdkafka) and xerial framing (the
 * Java producer). Throws CORRUPT_RECORD naming the codec when the input is malformed.
 */
export function decompress(codec: CompressionCodec, buf: Buffer): Buffer {
  try {
    switch (codec) {
      case 'none':
        return buf;
      case 'gzip':
        return gunzipSync(buf);
      case 'snappy':
        return isXerial(buf) ? unxerial(buf) : toBuffer(snappyUncompress(buf, { asBuffer: true }));
      case 'lz4':
        return decompressFrameSync(buf);
      case 'zstd':
        return zstdDecompress(buf);
    }
  } catch (err) {
    if (err instanceof LogdockError) throw err;
    const reason = err instanceof Error ? err.message : String(err);
    throw new LogdockError('CORRUPT_RECORD', `cannot decompress ${codec} records: ${reason}`, {
      cause: err,
    });
  }
}

function toBuffer(out: string | Buffer): Buffer {
  return typeof out === 'string' ? Buffer.from(out) : out;
}

// xerial snappy-java stream: magic (8) + version (4) + compatible version (4), then chunks
// of big-endian int32 length + raw snappy block.
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER = 16;

function isXerial(buf: Buffer): boolean {
  return buf.length >= XERIAL_HEADER && buf.subarray(0, 8).equals(XERIAL_MAGIC);
}

function unxerial(buf: Buffer): Buffer {
  const parts: Buffer[] = [];
  let pos = XERIAL_HEADER;
  while (pos < buf.length) {
    if (pos + 4 > buf.length) {
      throw new LogdockError(
        'CORRUPT_RECORD',
        `truncated xerial snappy chunk length at byte ${pos}`,
      );
    }
    const len = buf.readInt32BE(pos);
    pos += 4;
    if (len < 0 || pos + len > buf.length) {
      throw new LogdockError(
        'CORRUPT_RECORD',
        `xerial snappy chunk of ${len} bytes at byte ${pos - 4} overruns ${buf.length}`,
      );
    }
    parts.push(toBuffer(snappyUncompress(buf.subarray(pos, pos + len), { asBuffer: true })));
    pos += len;
  }
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}

/** Wraps a raw snappy block in xerial framing (what the Java producer sends); for tests. */
export function xerialFrame(raw: Buffer, chunkSize = 32 * 1024): Buffer {
  const head = Buffer.alloc(XERIAL_HEADER);
  XERIAL_MAGIC.copy(head, 0);
  head.writeInt32BE(1, 8);
  head.writeInt32BE(1, 12);
  const parts: Buffer[] = [head];
  for (let pos = 0; pos < raw.length; pos += chunkSize) {
    const block = snappyCompress(raw.subarray(pos, pos + chunkSize));
    const len = Buffer.alloc(4);
    len.writeInt32BE(block.length, 0);
    parts.push(len, block);
  }
  return Buffer.concat(parts);
}
