/**
 * LZ4 in message format v0 (magic 0): Kafka 0.8-0.9 wrote the LZ4 frame's header checksum
 * wrongly, hashing the frame's magic number with its descriptor (KAFKA-3160), and librdkafka
 * still writes it so for a broker it believes is that old (`broker.version.fallback=0.9.0`,
 * `api.version.request=false`). Kafka's broker ignores that byte for magic 0
 * (KafkaLZ4BlockInputStream's ignoreFlagDescriptorChecksum); the LZ4 library here checks it,
 * so the byte is rewritten to the proper checksum before decompressing.
 *
 *   frame := magic(u32 LE 0x184D2204) FLG BD [content size: u64 LE, FLG bit 3]
 *            [dictionary id: u32 LE, FLG bit 0] HC blocks...
 *   HC    := (xxHash32(FLG..end of descriptor, seed 0) >> 8) & 0xFF
 */
import { LogdockError } from '../../../common/errors';

const LZ4_MAGIC = 0x184d2204;
const PRIME1 = 2654435761;
const PRIME2 = 2246822519;
const PRIME3 = 3266489917;
const PRIME4 = 668265263;
const PRIME5 = 374761393;

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

/** xxHash32 of fewer than 16 bytes, seed 0 (a frame descriptor is at most 14). */
function xxh32Short(buf: Buffer): number {
  let h = (PRIME5 + buf.length) >>> 0;
  let i = 0;
  for (; i + 4 <= buf.length; i += 4) {
    h = (h + Math.imul(buf.readUInt32LE(i), PRIME3)) >>> 0;
    h = Math.imul(rotl(h, 17), PRIME4) >>> 0;
  }
  for (; i < buf.length; i++) {
    h = (h + Math.imul(buf[i], PRIME5)) >>> 0;
    h = Math.imul(rotl(h, 11), PRIME1) >>> 0;
  }
  h = Math.imul(h ^ (h >>> 15), PRIME2);
  h = Math.imul(h ^ (h >>> 13), PRIME3);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * A copy of a magic-0 LZ4 frame whose header checksum is the proper one. Throws
 * CORRUPT_RECORD when `frame` is not an LZ4 frame or its descriptor is cut short.
 */
export function withProperLz4HeaderChecksum(frame: Buffer): Buffer {
  if (frame.length < 7 || frame.readUInt32LE(0) !== LZ4_MAGIC) {
    throw new LogdockError('CORRUPT_RECORD', 'magic-0 lz4 message: not an LZ4 frame');
  }
  const flg = frame[4];
  const descriptorEnd = 6 + (flg & 0x08 ? 8 : 0) + (flg & 0x01 ? 4 : 0);
  if (descriptorEnd >= frame.length) {
    throw new LogdockError(
      'CORRUPT_RECORD',
      `magic-0 lz4 message: frame of ${frame.length} bytes ends inside its header`,
    );
  }
  const out = Buffer.from(frame);
  out[descriptorEnd] = (xxh32Short(frame.subarray(4, descriptorEnd)) >>> 8) & 0xff;
  return out;
}
