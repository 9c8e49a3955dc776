/**
 * The key → newest-offset map of a compaction pass, after Kafka's SkimpyOffsetMap: a
 * fixed-size open-addressing hash table in one ArrayBuffer, allocated once, that stores for
 * each key only its 16-byte MD5 digest and an offset (24 bytes a slot, no per-key object or
 * string). Its size is set by the caller (Kafka's log.cleaner.dedupe.buffer.size); it holds
 * at most `capacity` = 90 % of its slots (Kafka's log.cleaner.io.buffer.load.factor), and
 * `put` refuses a new key beyond that, which tells the pass to stop mapping there.
 *
 * Collisions: two keys with the same digest would count as one key, so the older one's
 * newest record could be removed. As Kafka argues for the same design, for keys that are
 * not crafted the odds are negligible (n² / 2^129: ~10^-25 for 10^7 keys). A producer able
 * to craft MD5 collisions can already write whatever records it likes to the topic, so it
 * gains nothing it did not have. Digest slots are probed by double hashing over a prime
 * number of slots (every slot is reachable; ~10 probes for a miss at 90 % load, against ~50
 * for linear probing).
 */
import { hash } from 'node:crypto';
import { LogdockError } from '../../common/errors';

const DIGEST_WORDS = 4;
/** 16 bytes of digest + 8 bytes of offset. */
export const OFFSET_MAP_SLOT_BYTES = DIGEST_WORDS * 4 + 8;
/** Default size of the map: 16 MiB, ~629 000 distinct keys per pass. */
export const DEFAULT_OFFSET_MAP_BYTES = 16 * 1024 * 1024;
export const OFFSET_MAP_LOAD_FACTOR = 0.9;

function isPrime(n: number): boolean {
  if (n < 2) return false;
  if (n % 2 === 0) return n === 2;
  for (let d = 3; d * d <= n; d += 2) if (n % d === 0) return false;
  return true;
}

function largestPrimeAtMost(n: number): number {
  let c = n;
  while (!isPrime(c)) c--;
  return c;
}

export class OffsetMap {
  /** Number of slots (a prime). */
  readonly slots: number;
  /** Most keys it accepts (load factor 0.9). */
  readonly capacity: number;
  /** Bytes held by the table: fixed at construction, whatever is put in it. */
  readonly byteSize: number;
  private readonly digests: Int32Array;
  /** -1 marks an empty slot (offsets are >= 0). */
  private readonly offsets: Float64Array;
  private used = 0;

  /** `bytes` (>= 3 slots' worth) bounds the table; INVALID_CONFIG when too small. */
  constructor(readonly requestedBytes: number) {
    const maxSlots = Math.floor(requestedBytes / OFFSET_MAP_SLOT_BYTES);
    if (!Number.isFinite(maxSlots) || maxSlots < 3) {
      throw new LogdockError(
        'INVALID_CONFIG',
        `compaction offset map of ${requestedBytes} bytes is too small (at least ${3 * OFFSET_MAP_SLOT_BYTES})`,
      );
    }
    this.slots = largestPrimeAtMost(maxSlots);
    const buf = new ArrayBuffer(this.slots * OFFSET_MAP_SLOT_BYTES);
    this.digests = new Int32Array(buf, 0, this.slots * DIGEST_WORDS);
    this.offsets = new Float64Array(buf, this.slots * DIGEST_WORDS * 4, this.slots);
    this.capacity = Math.max(1, Math.floor(this.slots * OFFSET_MAP_LOAD_FACTOR));
    this.byteSize = buf.byteLength;
    this.clear();
  }

  /** Number of distinct keys (digests) held. */
  get size(): number {
    return this.used;
  }

  clear(): void {
    this.offsets.fill(-1);
    this.used = 0;
  }

  /**
   * Records `offset` as the newest of `key`. Returns false, changing nothing, when the key
   * is not in the map and the map already holds `capacity` keys.
   */
  put(key: Buffer, offset: number): boolean {
    const digest = hash('md5', key, 'buffer');
    const slot = this.find(digest);
    if (this.offsets[slot] < 0) {
      if (this.used >= this.capacity) return false;
      this.used++;
      for (let i = 0; i < DIGEST_WORDS; i++)
        this.digests[slot * DIGEST_WORDS + i] = digest.readInt32LE(i * 4);
    }
    this.offsets[slot] = offset;
    return true;
  }

  /** The offset recorded for `key`, or -1. */
  get(key: Buffer): number {
    return this.offsets[this.find(hash('md5', key, 'buffer'))];
  }

  /** The slot holding `digest`, or the empty slot where it belongs (one always exists). */
  private find(digest: Buffer): number {
    const d0 = digest.readInt32LE(0);
    const d1 = digest.readInt32LE(4);
    const d2 = digest.readInt32LE(8);
    const d3 = digest.readInt32LE(12);
    const n = this.slots;
    let slot = (d0 >>> 0) % n;
    const step = 1 + ((d1 >>> 0) % (n - 1));
    const digests = this.digests;
    for (;;) {
      if (this.offsets[slot] < 0) return slot;
      const w = slot * DIGEST_WORDS;
      if (
        digests[w] === d0 &&
        digests[w + 1] === d1 &&
        digests[w + 2] === d2 &&
        digests[w + 3] === d3
      )
        return slot;
      slot += step;
      if (slot >= n) slot -= n;
    }
  }
}
