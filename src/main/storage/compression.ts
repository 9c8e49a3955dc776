/**
 * The compression codecs of Kafka's record batch (attributes bits 0-2), each through a
 * maintained native library: gzip (node:zlib), snappy (`snappy`), lz4 (`lz4-napi`, standard
 * LZ4 frame format as Kafka's v2 batches use), zstd (`zstd-napi`). Only the records area of a
 * batch is compressed. Client batches are never re-compressed: this is used only where
 * records are encoded (appendRecords, compaction), validated on append, or decoded.
 *
 * `decompress` never returns more than a cap (see decompressedLimit) and, for every codec,
 * refuses a batch that would exceed it before allocating the output wherever the format
 * says how big the output is: a few hundred bytes of zstd or gzip can otherwise expand to
 * gigabytes (a decompression bomb) and take the whole process down.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { DCtx } from 'zstd-napi/binding.js';
import { LogdockError } from '../../common/errors';
import { lazyModule } from '../lazy-module';
import type { CompressionCodec } from './api';

// The native codecs load on first use: most data dirs hold one codec or none, and loading
// all three cost ~0.15 s of every start (lazy-module.ts).
const snappy = lazyModule<typeof import('snappy')>('snappy');
const lz4 = lazyModule<typeof import('lz4-napi')>('lz4-napi');
const zstd = lazyModule<typeof import('zstd-napi')>('zstd-napi');
const zstdBinding = lazyModule<typeof import('zstd-napi/binding.js')>('zstd-napi/binding.js');

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
      return snappy().compressSync(buf);
    case 'lz4':
      return lz4().compressFrameSync(buf);
    case 'zstd':
      return zstd().compress(buf);
  }
}

const MiB = 1024 * 1024;
/** The cap never goes below this: room for any batch a producer builds with default settings. */
export const MIN_DECOMPRESSED_LIMIT = 64 * MiB;
/** Above the floor, a batch may decompress to this many times its compressed size. */
export const DECOMPRESSION_RATIO_LIMIT = 64;
/** ... and never to more than this, whatever its size. */
export const MAX_DECOMPRESSED_LIMIT = 1024 * MiB;

/**
 * The most bytes the records of a batch whose compressed records area is `compressedBytes`
 * long may decompress to: max(64 MiB, 64 × compressedBytes), at most 1 GiB.
 *
 * Why derived from the batch and not from the topic's config: the same rule then holds on
 * every path, including those that have no topic config at hand (search and the browser
 * read batches through a MessageSource, legacy down-conversion, compaction), so a batch
 * that append accepted is never refused by a reader. Since append refuses batches over
 * max.message.bytes, an accepted batch's cap is at most max(64 MiB, 64 × max.message.bytes).
 * 64 MiB covers what producers send with default settings (batches of at most 1 MiB,
 * compressed or not, even at ratios of 60:1); 64:1 is above what real log data reaches
 * on megabyte-sized batches (10-20:1 is typical, highly repetitive lines 30-50:1), while a
 * bomb reaches 1 000:1 (gzip) or far more (zstd). 1 GiB bounds the memory of one decode.
 */
export function decompressedLimit(compressedBytes: number): number {
  const byRatio = DECOMPRESSION_RATIO_LIMIT * compressedBytes;
  return Math.min(MAX_DECOMPRESSED_LIMIT, Math.max(MIN_DECOMPRESSED_LIMIT, byRatio));
}

/**
 * Decompresses `buf`, refusing output over `maxBytes` (default: decompressedLimit of the
 * input). Snappy accepts both raw blocks (librdkafka) and xerial framing (the Java
 * producer). Throws CORRUPT_RECORD naming the codec when the input is malformed
 * ("cannot decompress zstd records: ...") or too big ("zstd records decompress to more
 * than N bytes"); the size is checked before the output is allocated for gzip (zlib's
 * maxOutputLength stops inflating at the cap), snappy (the length preamble of the block or
 * of each xerial chunk), zstd (frame content sizes when every frame declares one, else
 * streaming decompression that stops at the cap) and lz4 (the frame's content size and a
 * bound from its block headers). Synchronous.
 */
export function decompress(
  codec: CompressionCodec,
  buf: Buffer,
  maxBytes: number = decompressedLimit(buf.length),
): Buffer {
  try {
    switch (codec) {
      case 'none':
        return buf;
      case 'gzip':
        return gunzipSync(buf, { maxOutputLength: maxBytes });
      case 'snappy':
        return isXerial(buf) ? unxerial(buf, maxBytes) : unsnappy(buf, maxBytes);
      case 'lz4':
        return unlz4(buf, maxBytes);
      case 'zstd':
        return unzstd(buf, maxBytes);
    }
  } catch (err) {
    if (err instanceof LogdockError) throw err;
    // zlib's maxOutputLength: inflating stopped at the cap.
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw tooLarge(codec, maxBytes, 'inflating stopped there');
    }
    const reason = err instanceof Error ? err.message : String(err);
    throw new LogdockError('CORRUPT_RECORD', `cannot decompress ${codec} records: ${reason}`, {
      cause: err,
    });
  }
}

function tooLarge(codec: CompressionCodec, maxBytes: number, detail: string): LogdockError {
  return new LogdockError(
    'CORRUPT_RECORD',
    `${codec} records decompress to more than ${maxBytes} bytes (${detail})`,
  );
}

function toBuffer(out: string | Buffer): Buffer {
  return typeof out === 'string' ? Buffer.from(out) : out;
}

// ---- snappy -------------------------------------------------------------------------

/**
 * The uncompressed length a raw snappy block starts with (an unsigned little-endian
 * base-128 varint of at most 5 bytes); the decoder allocates exactly this and fails unless
 * the block decodes to it, so checking it is checking the output size.
 */
function snappyLength(block: Buffer): number {
  let value = 0;
  for (let i = 0; i < 5 && i < block.length; i++) {
    const b = block[i];
    value += (b & 0x7f) * 2 ** (7 * i);
    if (b < 0x80) return value;
  }
  throw new Error('malformed uncompressed-length preamble of a snappy block');
}

function unsnappy(block: Buffer, maxBytes: number): Buffer {
  const length = snappyLength(block);
  if (length > maxBytes) {
    throw tooLarge('snappy', maxBytes, `the block's preamble declares ${length}`);
  }
  return toBuffer(snappy().uncompressSync(block, { asBuffer: true }));
}

// xerial snappy-java stream: magic (8) + version (4) + compatible version (4), then chunks
// of big-endian int32 length + raw snappy block.
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER = 16;

function isXerial(buf: Buffer): boolean {
  return buf.length >= XERIAL_HEADER && buf.subarray(0, 8).equals(XERIAL_MAGIC);
}

/** Splits a xerial stream into its raw blocks and sums their preambles before decoding any. */
function unxerial(buf: Buffer, maxBytes: number): Buffer {
  const blocks: Buffer[] = [];
  let total = 0;
  let pos = XERIAL_HEADER;
  while (pos < buf.length) {
    if (pos + 4 > buf.length) throw new Error(`truncated xerial chunk length at byte ${pos}`);
    const len = buf.readInt32BE(pos);
    pos += 4;
    if (len < 0 || pos + len > buf.length) {
      throw new Error(`xerial chunk of ${len} bytes at byte ${pos - 4} overruns ${buf.length}`);
    }
    const block = buf.subarray(pos, pos + len);
    total += snappyLength(block);
    if (total > maxBytes) {
      throw tooLarge('snappy', maxBytes, `xerial chunk preambles declare at least ${total}`);
    }
    blocks.push(block);
    pos += len;
  }
  const parts = blocks.map((b) => toBuffer(snappy().uncompressSync(b, { asBuffer: true })));
  return parts.length === 1 ? parts[0] : Buffer.concat(parts, total);
}

// ---- lz4 ----------------------------------------------------------------------------

// LZ4 frame format (lz4_Frame_format.md): magic, FLG, BD, [content size: u64 LE],
// [dict id: u32], header checksum, then blocks of u32 LE size (high bit: stored
// uncompressed; 0: end mark) + data + [u32 block checksum], then [u32 content checksum].
const LZ4_MAGIC = 0x184d2204;
const LZ4_BLOCK_MAX: Record<number, number> = { 4: 64 * 1024, 5: 256 * 1024, 6: MiB, 7: 4 * MiB };
// LZ4's densest encoding: each further length byte of a match adds 255 output bytes, so a
// compressed block decodes to at most ~255 times its size.
const LZ4_MAX_RATIO = 255;

/**
 * lz4-napi only decodes whole buffers (and only the first frame, ignoring what follows):
 * the output size is bounded first from the frame's headers, without decoding: its content
 * size when declared, and the sum over blocks of min(block max size, 255 × block size).
 * Ordinary encoders fill every block but the last, so the bound is within one block of the
 * real size.
 */
function unlz4(buf: Buffer, maxBytes: number): Buffer {
  const { contentSize, bound } = lz4FrameBound(buf);
  if (contentSize !== null && contentSize > maxBytes) {
    throw tooLarge('lz4', maxBytes, `the frame header declares ${contentSize}`);
  }
  if (bound > maxBytes) {
    throw tooLarge('lz4', maxBytes, `its blocks may decode to ${bound}`);
  }
  const out = lz4().decompressFrameSync(buf);
  if (out.length > maxBytes) throw tooLarge('lz4', maxBytes, `it decoded to ${out.length}`);
  return out;
}

function lz4FrameBound(buf: Buffer): { contentSize: number | null; bound: number } {
  if (buf.length < 7 || buf.readUInt32LE(0) !== LZ4_MAGIC) throw new Error('not an LZ4 frame');
  const flg = buf[4];
  const blockMax = LZ4_BLOCK_MAX[(buf[5] >> 4) & 7];
  if (flg >> 6 !== 1 || blockMax === undefined) {
    throw new Error(`unsupported LZ4 frame descriptor ${buf[4]}/${buf[5]}`);
  }
  let pos = 6;
  let contentSize: number | null = null;
  if (flg & 0x08) {
    if (pos + 8 > buf.length) throw new Error('truncated LZ4 frame header');
    contentSize = Number(buf.readBigUInt64LE(pos));
    pos += 8;
  }
  if (flg & 0x01) pos += 4; // dictionary id
  pos += 1; // header checksum
  const blockChecksum = flg & 0x10 ? 4 : 0;
  let bound = 0;
  for (;;) {
    if (pos + 4 > buf.length) throw new Error(`truncated LZ4 block size at byte ${pos}`);
    const word = buf.readUInt32LE(pos);
    pos += 4;
    if (word === 0) break; // end mark
    const size = word & 0x7fffffff;
    if (size > blockMax || pos + size > buf.length) {
      throw new Error(`LZ4 block of ${size} bytes at byte ${pos - 4} is invalid`);
    }
    bound += word & 0x80000000 ? size : Math.min(blockMax, LZ4_MAX_RATIO * size);
    pos += size + blockChecksum;
  }
  return { contentSize, bound };
}

// ---- zstd ---------------------------------------------------------------------------

let zstdContext: DCtx | undefined;

/**
 * zstd-napi's own `decompress` allocates whatever a frame header declares and, without
 * one, streams without limit; this uses its binding directly. When every frame declares its
 * content size, their sum is checked and the output allocated once; otherwise (the Java
 * producer streams frames without it) the frames are streamed into chunks and decoding
 * stops at the cap. libzstd's own window buffer is bounded by its default windowLogMax
 * (2^27 bytes).
 */
function unzstd(buf: Buffer, maxBytes: number): Buffer {
  const binding = zstdBinding();
  let total = 0;
  let known = true;
  for (
    let frame = buf;
    frame.length > 0;
    frame = frame.subarray(binding.findFrameCompressedSize(frame))
  ) {
    const size = binding.getFrameContentSize(frame);
    if (size === null) {
      known = false;
      break;
    }
    total += size;
    if (total > maxBytes) {
      throw tooLarge('zstd', maxBytes, `frame headers declare at least ${total}`);
    }
  }
  zstdContext ??= new binding.DCtx();
  // A previous call may have thrown mid-frame.
  zstdContext.reset(binding.ResetDirective.sessionOnly);
  if (!known) return zstdStream(zstdContext, buf, maxBytes);
  const out = Buffer.allocUnsafe(total);
  const written = zstdContext.decompress(out, buf);
  if (written !== total) throw new Error(`frames declare ${total} bytes but decode to ${written}`);
  return out;
}

function zstdStream(dctx: DCtx, buf: Buffer, maxBytes: number): Buffer {
  const parts: Buffer[] = [];
  let total = 0;
  let src = buf;
  for (;;) {
    // One byte more than the cap allows, so that exceeding it is seen.
    const room = Math.min(
      Math.max(zstdBinding().dStreamOutSize(), src.length),
      maxBytes - total + 1,
    );
    const chunk = Buffer.allocUnsafe(room);
    const [remaining, produced, consumed] = dctx.decompressStream(chunk, src);
    total += produced;
    if (total > maxBytes) throw tooLarge('zstd', maxBytes, 'streaming stopped there');
    if (produced > 0) parts.push(chunk.subarray(0, produced));
    src = src.subarray(consumed);
    if (src.length === 0 && produced < room) {
      if (remaining !== 0) throw new Error('truncated zstd frame');
      return Buffer.concat(parts, total);
    }
    if (produced === 0 && consumed === 0) throw new Error('zstd decoding made no progress');
  }
}

/** Wraps a raw snappy block in xerial framing (what the Java producer sends); for tests. */
export function xerialFrame(raw: Buffer, chunkSize = 32 * 1024): Buffer {
  const head = Buffer.alloc(XERIAL_HEADER);
  XERIAL_MAGIC.copy(head, 0);
  head.writeInt32BE(1, 8);
  head.writeInt32BE(1, 12);
  const parts: Buffer[] = [head];
  for (let pos = 0; pos < raw.length; pos += chunkSize) {
    const block = snappy().compressSync(raw.subarray(pos, pos + chunkSize));
    const len = Buffer.alloc(4);
    len.writeInt32BE(block.length, 0);
    parts.push(len, block);
  }
  return Buffer.concat(parts);
}
