/**
 * Compressed client batches on append: decompressed and validated like uncompressed ones,
 * under the decompressed-size cap (default: 64 MiB for batches up to 1 MiB), and what is
 * refused leaves the log as it was.
 */
import { describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import {
  type CompressionCodec,
  PartitionLog,
  compress,
  encodeBatchWithOffsets,
  encodeRecordBatch,
  segmentFileName,
  xerialFrame,
} from '../../../src/main/storage';
import {
  batchWithBody,
  externalBytes,
  gzipBomb,
  lz4Bomb,
  recordsBody,
  smallConfig,
  snappyPreambleLie,
  zstdBomb,
  usePartitionDir,
  streamedZstd,
} from './helpers';

const MiB = 1024 * 1024;
const CODECS: CompressionCodec[] = ['gzip', 'snappy', 'lz4', 'zstd'];

const fx = usePartitionDir();

function openLog(): Promise<PartitionLog> {
  return fx.openLog(smallConfig({ segmentBytes: 1 << 20 }), { topic: 't', partition: 0 });
}

const records = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({
    key: Buffer.from(`${prefix}-k${i}`),
    value: Buffer.from(`${prefix} value ${i} `.repeat(5)),
    timestamp: 1000 + i,
  }));

/** A log holding one good zstd batch of three records (offsets 0-2). */
async function logWithGoodBatch(): Promise<PartitionLog> {
  const log = await openLog();
  await log.append(encodeRecordBatch(records('good', 3), { compression: 'zstd' }));
  return log;
}

/** The log still holds exactly the good batch, read back decoded. */
async function expectOnlyGoodBatch(log: PartitionLog): Promise<void> {
  expect(log.logEndOffset).toBe(3);
  const read = await log.readRecords(0, { maxRecords: 10 });
  expect(read.map((r) => r.value?.toString())).toEqual(
    records('good', 3).map((r) => r.value.toString()),
  );
}

describe('PartitionLog.append with compressed batches', () => {
  it('appends and reads back batches of every codec, xerial snappy and streamed zstd included', async () => {
    const log = await openLog();
    const batches: Buffer[] = CODECS.map((codec, c) =>
      encodeRecordBatch(records(codec, 4), { compression: codec, baseOffset: c }),
    );
    const xerial = records('xerial', 4);
    batches.push(batchWithBody('snappy', xerialFrame(recordsBody(xerial), 64), 4));
    const streamed = records('streamed', 4);
    batches.push(batchWithBody('zstd', await streamedZstd(recordsBody(streamed)), 4));
    await log.append(Buffer.concat(batches));
    expect(log.logEndOffset).toBe(24);
    const read = await log.readRecords(0, { maxRecords: 100 });
    const expected = [...CODECS.flatMap((c) => records(c, 4)), ...xerial, ...streamed];
    expect(read.map((r) => [r.offset, r.key?.toString(), r.value?.toString()])).toEqual(
      expected.map((r, i) => [i, r.key.toString(), r.value.toString()]),
    );
  });

  it.each(CODECS)(
    'refuses a %s batch whose compressed records are garbage under a valid CRC, keeping the log readable',
    async (codec) => {
      const log = await logWithGoodBatch();
      const garbage = Buffer.from('this is not compressed data at all, not even close'.repeat(3));
      const bad = batchWithBody(codec, garbage, 1);
      await expect(log.append(bad)).rejects.toMatchObject({
        code: 'CORRUPT_RECORD',
        message: expect.stringMatching(
          new RegExp(
            `^append to t-0: batch at byte 0 \\(${codec}\\): cannot decompress ${codec} records`,
          ),
        ),
      });
      await expectOnlyGoodBatch(log);
    },
  );

  it.each(CODECS)('refuses a %s batch whose records inside are malformed', async (codec) => {
    const log = await logWithGoodBatch();
    const shuffled = encodeBatchWithOffsets(
      [
        { offsetDelta: 1, timestamp: 1, key: null, value: Buffer.from('x'), headers: [] },
        { offsetDelta: 0, timestamp: 1, key: null, value: Buffer.from('y'), headers: [] },
      ],
      { lastOffsetDelta: 1 },
    ).subarray(61);
    const overrun = Buffer.from(
      recordsBody([{ value: Buffer.from('a') }, { value: Buffer.from('b') }]),
    );
    overrun[0] = 0x7e; // record 0 claims 63 bytes, more than the body holds
    const trailing = Buffer.concat([recordsBody(records('t', 2)), Buffer.from([0, 0, 0])]);
    const cases: [Buffer, RegExp][] = [
      [shuffled, /record 0 has offsetDelta 1, expected 0/],
      [overrun, /record 0 has length 63 but \d+ bytes remain/],
      [trailing, /3 bytes follow its 2 records/],
    ];
    for (const [body, why] of cases) {
      const bad = batchWithBody(codec, compress(codec, body), 2);
      await expect(log.append(bad)).rejects.toMatchObject({
        code: 'CORRUPT_RECORD',
        message: expect.stringMatching(new RegExp(`batch at byte 0 \\(${codec}\\): ${why.source}`)),
      });
    }
    await expectOnlyGoodBatch(log);
  });

  it('writes nothing of an append whose second batch does not decompress, naming its position', async () => {
    const log = await logWithGoodBatch();
    const first = encodeRecordBatch(records('first', 2), { compression: 'gzip' });
    const second = batchWithBody('gzip', Buffer.from('junk'.repeat(10)), 1);
    await expect(log.append(Buffer.concat([first, second]))).rejects.toMatchObject({
      code: 'CORRUPT_RECORD',
      message: expect.stringContaining(`batch at byte ${first.length} (gzip)`),
    });
    await expectOnlyGoodBatch(log);
  });

  // 200 MiB of zeros in batches of at most ~200 KiB, under the default cap (64 MiB): the
  // growth of memory outside the heap stays well below the bomb's size.
  const bombs: [string, CompressionCodec, () => Buffer][] = [
    ['gzip', 'gzip', () => gzipBomb(200)],
    ['zstd with content sizes', 'zstd', () => zstdBomb(200, true)],
    ['zstd without content sizes', 'zstd', () => zstdBomb(200, false)],
    ['lz4', 'lz4', () => lz4Bomb(200)],
    ['snappy (a lying length preamble)', 'snappy', () => snappyPreambleLie(200 * MiB)],
  ];
  it.each(bombs)(
    'refuses a decompression bomb of %s without allocating its output',
    async (_, codec, make) => {
      const log = await logWithGoodBatch();
      const bomb = batchWithBody(codec, make(), 1);
      expect(bomb.length).toBeLessThan(MiB); // within max.message.bytes: only the cap stops it
      const before = externalBytes();
      await expect(log.append(bomb)).rejects.toMatchObject({
        code: 'CORRUPT_RECORD',
        message: expect.stringContaining(
          `${codec} records decompress to more than ${64 * MiB} bytes`,
        ),
      });
      expect(externalBytes() - before).toBeLessThan(150 * MiB);
      await expectOnlyGoodBatch(log);
    },
  );

  it('refuses on read a bomb stored before appends were validated, naming the cap', async () => {
    await fs.mkdir(fx.dir, { recursive: true });
    const bomb = batchWithBody('zstd', zstdBomb(200, false), 1);
    await fs.writeFile(join(fx.dir, segmentFileName(0, '.log')), bomb);
    const log = await openLog(); // recovery checks CRCs only: the batch stays
    expect(log.logEndOffset).toBe(1);
    await expect(log.readRecords(0)).rejects.toMatchObject({
      code: 'CORRUPT_RECORD',
      message: expect.stringContaining(`zstd records decompress to more than ${64 * MiB} bytes`),
    });
  });
});
