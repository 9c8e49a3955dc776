/** Shared helpers of the storage tests: temporary directories and byte-level corruption. */
import { afterEach, beforeEach, expect } from 'vitest';
import { LogdockError } from '../../../src/common/errors';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { compressFrameSync } from 'lz4-napi';
import { CompressStream, compress as zstdCompress } from 'zstd-napi';
import {
  type CompressionCodec,
  type LogConfig,
  LOG_OVERHEAD,
  RECORD_BATCH_OVERHEAD,
  type RecordInput,
  defaultLogConfig,
  encodeRecordBatch,
  writeBatchCrc,
  PartitionLog,
  type PartitionLogOptions,
} from '../../../src/main/storage';
import { MAX_TIMESTAMP_OFFSET } from '../../../src/main/storage/record-batch';
import { writeInt64 } from '../../../src/main/storage/varint';

/**
 * The partition-log tests' fixture: before each test a fresh temporary `root` and `dir`, its
 * `t-0` (one partition's directory); after it, every log in `open` (openLog puts them
 * there) is closed and the directory removed. Call once at the top of a test file.
 */
export function usePartitionDir(): {
  readonly root: string;
  readonly dir: string;
  open: PartitionLog[];
  openLog(config: LogConfig, opts?: PartitionLogOptions): Promise<PartitionLog>;
} {
  const paths = { root: '', dir: '' };
  const open: PartitionLog[] = [];
  beforeEach(async () => {
    paths.root = await makeTempDir();
    paths.dir = join(paths.root, 't-0');
  });
  afterEach(async () => {
    for (const log of open.splice(0)) await log.close();
    await removeDir(paths.root);
  });
  return {
    get root() {
      return paths.root;
    },
    get dir() {
      return paths.dir;
    },
    open,
    async openLog(config, opts = {}) {
      const log = await PartitionLog.open(paths.dir, config, opts);
      open.push(log);
      return log;
    },
  };
}

/** Creates a fresh temporary directory; pair with `removeDir` in afterEach. */
export function makeTempDir(): Promise<string> {
  return fs.mkdtemp(join(tmpdir(), 'logdock-storage-'));
}

export function removeDir(dir: string): Promise<void> {
  return fs.rm(dir, { recursive: true, force: true });
}

/** Small segments and a dense index so that a few records exercise rolling and lookups. */
export function smallConfig(overrides: Partial<LogConfig> = {}): LogConfig {
  return { ...defaultLogConfig(), segmentBytes: 4096, indexIntervalBytes: 256, ...overrides };
}

/** Overwrites `length` bytes at `position` of `path` with a repeating garbage pattern. */
export async function writeGarbage(path: string, position: number, length: number): Promise<void> {
  const junk = Buffer.alloc(length);
  for (let i = 0; i < length; i++) junk[i] = (i * 151 + 77) & 0xff;
  const fh = await fs.open(path, 'r+');
  try {
    await fh.write(junk, 0, length, position);
  } finally {
    await fh.close();
  }
}

/** Appends garbage bytes at the end of `path`. */
export async function appendGarbage(path: string, length: number): Promise<void> {
  const junk = Buffer.alloc(length, 0xab);
  await fs.appendFile(path, junk);
}

export function value(i: number): Buffer {
  return Buffer.from(`value-${i}`);
}

// ---- compressed bodies: batches around arbitrary compressed records, and bombs ----------

const MiB = 1024 * 1024;

/**
 * A batch of `codec` whose records area is `body` as given (garbage, a bomb, a framing
 * the encoder does not write), with batchLength and CRC right, so that only what is inside
 * the records can be wrong.
 */
export function batchWithBody(
  codec: CompressionCodec,
  body: Buffer,
  recordCount: number,
  baseOffset = 0,
): Buffer {
  const head = Buffer.from(
    encodeRecordBatch([{ value: Buffer.from('x'), timestamp: 1000 }], {
      compression: codec,
      baseOffset,
    }).subarray(0, RECORD_BATCH_OVERHEAD),
  );
  const batch = Buffer.concat([head, body]);
  batch.writeInt32BE(batch.length - LOG_OVERHEAD, 8);
  batch.writeInt32BE(recordCount - 1, 23); // lastOffsetDelta
  batch.writeInt32BE(recordCount, 57);
  writeBatchCrc(batch, 0);
  return batch;
}

/** The uncompressed records area of a batch of `records`. */
export function recordsBody(records: RecordInput[]): Buffer {
  return encodeRecordBatch(records).subarray(RECORD_BATCH_OVERHEAD);
}

/** `mib` MiB of zeros as gzip: one member of 1 MiB (~1 KiB) repeated, as gunzip reads on. */
export function gzipBomb(mib: number): Buffer {
  return Buffer.concat(new Array<Buffer>(mib).fill(gzipSync(Buffer.alloc(MiB))));
}

/** `mib` MiB of zeros as zstd frames of 1 MiB, with or without their content size. */
export function zstdBomb(mib: number, contentSize: boolean): Buffer {
  const frame = zstdCompress(Buffer.alloc(MiB), { contentSizeFlag: contentSize });
  return Buffer.concat(new Array<Buffer>(mib).fill(frame));
}

/** One LZ4 frame of `mib` MiB of zeros: the 4 MiB block of a real frame repeated (mib / 4 times). */
export function lz4Bomb(mib: number): Buffer {
  const frame = compressFrameSync(Buffer.alloc(4 * MiB));
  // magic, FLG 0x60 (independent blocks, no size, no checksums), BD, header checksum
  if (frame[4] !== 0x60) throw new Error(`unexpected LZ4 FLG ${frame[4]}`);
  const blockEnd = 11 + frame.readUInt32LE(7);
  if (blockEnd + 4 !== frame.length) throw new Error('expected a single-block LZ4 frame');
  const blocks = new Array<Buffer>(mib / 4).fill(frame.subarray(7, blockEnd));
  return Buffer.concat([frame.subarray(0, 7), ...blocks, Buffer.alloc(4)]);
}

/** A raw snappy block whose length preamble claims `length` bytes, followed by junk. */
export function snappyPreambleLie(length: number): Buffer {
  const bytes: number[] = [];
  let rest = length;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return Buffer.concat([Buffer.from(bytes), Buffer.alloc(64, 0x11)]);
}

/**
 * Bytes held outside the V8 heap (Buffers included) now: the growth across a refused
 * decompression shows whether it allocated the bomb's output. One-sided: a garbage
 * collection in between could hide an allocation, never invent one.
 */
export function externalBytes(): number {
  return process.memoryUsage().external;
}

/** A zstd frame as the Java producer streams it: no content size in the header. */
export async function streamedZstd(input: Buffer): Promise<Buffer> {
  const stream = new CompressStream();
  const parts: Buffer[] = [];
  stream.on('data', (d: Buffer) => parts.push(d));
  const ended = new Promise((resolve) => stream.on('end', resolve));
  stream.end(input);
  await ended;
  return Buffer.concat(parts);
}

/**
 * A segment as Logdock wrote it before it fixed sarama 1.22's batches on append: each
 * batch's header says MaxTimestamp -1 (CRC recomputed, as sarama sends it). Batch i holds
 * three records at 1000 + 10i + 5, + 1, + 9 (the largest last); odd batches are gzip.
 */
export function unsetMaxTimestampSegment(count: number): Buffer {
  const batches: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const base = 1000 + 10 * i;
    const compression: CompressionCodec = i % 2 ? 'gzip' : 'none';
    const batch = encodeRecordBatch(
      [5, 1, 9].map((d, j) => ({ value: value(3 * i + j), timestamp: base + d })),
      { baseOffset: 3 * i, compression },
    );
    writeInt64(batch, MAX_TIMESTAMP_OFFSET, -1);
    writeBatchCrc(batch, 0);
    batches.push(batch);
  }
  return Buffer.concat(batches);
}

/** Awaits `p`, expecting it to fail with CORRUPT_RECORD; returns the error. */
export async function expectCorrupt(p: Promise<unknown>): Promise<LogdockError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LogdockError);
  expect((err as LogdockError).code).toBe('CORRUPT_RECORD');
  return err as LogdockError;
}
