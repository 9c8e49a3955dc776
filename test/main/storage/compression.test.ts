import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compressSync as snappyRaw } from 'snappy';
import { compressFrameSync } from 'lz4-napi';
import { CompressStream } from 'zstd-napi';
import { compress, decompress, xerialFrame } from '../../../src/main/storage/compression';
import type { CompressionCodec } from '../../../src/main/storage';

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
    const stream = new CompressStream();
    const parts: Buffer[] = [];
    stream.on('data', (d: Buffer) => parts.push(d));
    const ended = new Promise((resolve) => stream.on('end', resolve));
    stream.end(input);
    await ended;
    const frame = Buffer.concat(parts);
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
});
