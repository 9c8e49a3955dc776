import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compressSync as snappyRaw } from 'snappy';
import { compressFrameSync } from 'lz4-napi';
import {
  compress,
  decompress,
  decompressedLimit,
  xerialFrame,
} from '../../../src/main/storage/compression';
import type { CompressionCodec } from '../../../src/main/storage';
import {
  externalBytes,
  gzipBomb,
  lz4Bomb,
  snappyPreambleLie,
  zstdBomb,
  streamedZstd,
} from './helpers';

const MiB = 1024 * 1024;

const CODECS: CompressionCodec[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

describe('compression', () => {
  it.each(CODECS)('round-trips random bytes with %s', (codec) => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), (bytes) => {
        const buf = Buffer.from(bytes);
        expect(decompress(codec, compress(codec, buf)).equals(buf)).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it('decodes xerial-framed snappy as the Java producer sends it, in several chunks', () => {
    const raw = Buffer.from('hello snappy '.repeat(10_000));
    const framed = xerialFrame(raw, 4096);
    expect(framed.subarray(0, 8).toString('latin1')).toBe('\x82SNAPPY\0');
    expect(decompress('snappy', framed).equals(raw)).toBe(true);
  });

  it('decodes raw snappy blocks as librdkafka sends them', () => {
    const raw = Buffer.from('abc'.repeat(1000));
    expect(decompress('snappy', snappyRaw(raw)).equals(raw)).toBe(true);
  });

  it('decodes a streamed zstd frame without a content size, as the Java producer writes it', async () => {
    const input = Buffer.from('streamed zstd '.repeat(2000));
    const frame = await streamedZstd(input);
    expect(frame[4] & 0xc0).toBe(0); // frame header: no content size field
    expect(decompress('zstd', frame).equals(input)).toBe(true);
  });

  it('decodes lz4 frames with block and content checksums', () => {
    const input = Buffer.from('lz4 frame '.repeat(5000));
    const frame = compressFrameSync(input, { blockChecksums: true, contentChecksum: true });
    expect(decompress('lz4', frame).equals(input)).toBe(true);
    frame[frame.length - 2] ^= 0xff; // damage the content checksum
    expect(() => decompress('lz4', frame)).toThrow(
      expect.objectContaining({ code: 'CORRUPT_RECORD' }),
    );
  });

  it('encodes lz4 in the standard frame format (magic 0x184D2204)', () => {
    const out = compress('lz4', Buffer.from('x'.repeat(100)));
    expect(out.readUInt32LE(0)).toBe(0x184d2204);
  });

  it.each(['gzip', 'snappy', 'lz4', 'zstd'] as CompressionCodec[])(
    'fails with CORRUPT_RECORD naming %s on garbage input',
    (codec) => {
      const garbage = Buffer.from('this is not compressed data at all, not even close');
      expect(() => decompress(codec, garbage)).toThrow(
        expect.objectContaining({ code: 'CORRUPT_RECORD' }),
      );
      expect(() => decompress(codec, garbage)).toThrow(new RegExp(codec));
    },
  );

  it('fails with CORRUPT_RECORD on a xerial chunk that overruns the input', () => {
    const framed = xerialFrame(Buffer.from('y'.repeat(500)));
    const cut = framed.subarray(0, framed.length - 3);
    expect(() => decompress('snappy', cut)).toThrow(
      expect.objectContaining({ code: 'CORRUPT_RECORD' }),
    );
  });

  describe('decompressed-size cap', () => {
    it('is 64 MiB at least, 64 times the compressed size above that, and 1 GiB at most', () => {
      expect(decompressedLimit(100)).toBe(64 * MiB);
      expect(decompressedLimit(2 * MiB)).toBe(128 * MiB);
      expect(decompressedLimit(100 * MiB)).toBe(1024 * MiB);
    });

    const text = Buffer.from('a log line that compresses well, '.repeat(30_000)); // ~1 MiB
    const exact: [string, CompressionCodec, () => Promise<Buffer>][] = [
      ['gzip', 'gzip', async () => compress('gzip', text)],
      ['raw snappy', 'snappy', async () => compress('snappy', text)],
      ['xerial snappy', 'snappy', async () => xerialFrame(text)],
      ['zstd with a content size', 'zstd', async () => compress('zstd', text)],
      ['zstd streamed without a content size', 'zstd', () => streamedZstd(text)],
    ];
    it.each(exact)(
      'lets %s decompress to exactly the cap, not one byte more',
      async (_, codec, make) => {
        const input = await make();
        expect(decompress(codec, input, text.length).equals(text)).toBe(true);
        expect(() => decompress(codec, input, text.length - 1)).toThrow(
          expect.objectContaining({
            code: 'CORRUPT_RECORD',
            message: expect.stringContaining(
              `${codec} records decompress to more than ${text.length - 1} bytes`,
            ),
          }),
        );
      },
    );

    it('bounds an lz4 frame without a content size from its block headers, within one block', () => {
      const input = compress('lz4', text);
      expect(decompress('lz4', input, 4 * MiB).equals(text)).toBe(true);
      expect(() => decompress('lz4', input, MiB / 2)).toThrow(
        /lz4 records decompress to more than/,
      );
    });

    // 200 MiB of zeros each, refused under a 4 MiB cap: the growth of memory outside the
    // heap stays far below the bomb's size (a decoder that allocated it would show ~200 MiB).
    const bombs: [string, CompressionCodec, () => Buffer, RegExp][] = [
      ['gzip', 'gzip', () => gzipBomb(200), /inflating stopped there/],
      ['zstd with content sizes', 'zstd', () => zstdBomb(200, true), /frame headers declare/],
      ['zstd without content sizes', 'zstd', () => zstdBomb(200, false), /streaming stopped/],
      ['lz4', 'lz4', () => lz4Bomb(200), /its blocks may decode to 209715200/],
      ['raw snappy', 'snappy', () => snappyPreambleLie(200 * MiB), /preamble declares 209715200/],
    ];
    it.each(bombs)(
      'refuses 200 MiB of %s past the cap without allocating them',
      (_, codec, make, detail) => {
        const bomb = make();
        const before = externalBytes();
        expect(() => decompress(codec, bomb, 4 * MiB)).toThrow(
          expect.objectContaining({
            code: 'CORRUPT_RECORD',
            message: expect.stringMatching(
              new RegExp(`${codec} records decompress to more than ${4 * MiB} bytes`),
            ),
          }),
        );
        expect(() => decompress(codec, bomb, 4 * MiB)).toThrow(detail);
        expect(externalBytes() - before).toBeLessThan(64 * MiB);
      },
    );

    it('refuses xerial snappy whose chunk preambles add up to more than the cap before decoding any', () => {
      const framed = xerialFrame(Buffer.alloc(0));
      const chunk = snappyPreambleLie(3 * MiB);
      const len = Buffer.alloc(4);
      len.writeInt32BE(chunk.length);
      const bomb = Buffer.concat([framed.subarray(0, 16), len, chunk, len, chunk]);
      expect(() => decompress('snappy', bomb, 4 * MiB)).toThrow(
        /snappy records decompress to more than 4194304 bytes \(xerial chunk preambles declare at least 6291456\)/,
      );
    });

    it('refuses an lz4 frame whose header declares a content size over the cap', () => {
      const frame = compress('lz4', Buffer.from('small'));
      const size = Buffer.alloc(8);
      size.writeBigUInt64LE(BigInt(200 * MiB));
      // FLG bit 3: the content size follows BD. The header checksum is not looked at first.
      const withSize = Buffer.concat([frame.subarray(0, 6), size, frame.subarray(6)]);
      withSize[4] |= 0x08;
      expect(() => decompress('lz4', withSize, 4 * MiB)).toThrow(
        /lz4 records decompress to more than 4194304 bytes \(the frame header declares 209715200\)/,
      );
    });
  });
});
