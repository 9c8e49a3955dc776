/**
 * The key → newest-offset map of a compaction pass, after Kafka's SkimpyOffsetMap: a
 * fixed-size open-addressing hash table in one Int32Array, allocated once, that stores for
 * each key only a 16-byte digest and an offset (24 bytes a slot, no per-key object or
 * string). Its size is set by the caller (Kafka's log.cleaner.dedupe.buffer.size); it holds
 * at most `capacity` = 90 % of its slots (Kafka's load factor), and `put` refuses a new key
 * beyond that, which tells the pass to stop mapping there.
 *
 * Digest: MurmurHash3_x86_128 with a random seed per map, not Kafka's MD5: node:crypto
 * costs ~1.8 µs a call for a short key (more than half of a pass's time), this ~0.1 µs.
 * Collisions: two keys with the same digest would count as one, so the older key's newest
 * record could be removed. For keys nobody crafted the odds are those of any good 128-bit
 * hash, n² / 2^129 (~10^-25 for 10^7 keys), which is Kafka's argument for MD5. Murmur3 is
 * not cryptographic: someone who can produce to the topic could build pairs of his own
 * keys that collide whatever the seed, and lose his own records; to make a key collide
 * with somebody else's given key he would need the seed, which is random, per process and
 * never leaves it. Slots are probed by double hashing over a prime number of slots (every
 * slot is reachable; ~10 probes for a miss at 90 % load, against ~50 for linear probing);
 * a slot's digest and offset are adjacent, so a probe touches one cache line.
 *
 * The table (and the count of keys, one word after it) lives in a SharedArrayBuffer, so
 * that compaction's worker thread fills and reads the very map the main thread holds
 * (`share()` / `OffsetMap.attach`), without copying it. One thread uses it at a time
 * (a pass hands it from task to task); nothing here is atomic.
 */
import { randomInt } from 'node:crypto';
import { LogdockError } from '../../common/errors';

/** Words of a slot: four of digest, then the offset's high and low 32 bits. */
const SLOT_WORDS = 6;
/** 16 bytes of digest + 8 bytes of offset. */
export const OFFSET_MAP_SLOT_BYTES = SLOT_WORDS * 4;
/** Default size of the map: 16 MiB, ~629 000 distinct keys per pass. */
export const DEFAULT_OFFSET_MAP_BYTES = 16 * 1024 * 1024;
export const OFFSET_MAP_LOAD_FACTOR = 0.9;
const TWO_32 = 2 ** 32;

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

const C1 = 0x239b961b;
const C2 = 0xab0e9789;
const C3 = 0x38b34ae5;
const C4 = 0xa1e38b93;

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

const rotl = (x: number, r: number): number => (x << r) | (x >>> (32 - r));

function word(b: Buffer, i: number): number {
  return b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24);
}

/**
 * MurmurHash3_x86_128 of `key` (Appleby's reference, checked against its published
 * vectors), written into `out[0..3]` as h1..h4 (signed 32-bit words).
 */
export function murmur3x86128(key: Buffer, seed: number, out: Int32Array): void {
  const len = key.length;
  let h1 = seed | 0;
  let h2 = h1;
  let h3 = h1;
  let h4 = h1;
  const blocks = len - (len & 15);
  for (let i = 0; i < blocks; i += 16) {
    h1 ^= Math.imul(rotl(Math.imul(word(key, i), C1), 15), C2);
    h1 = (Math.imul(rotl(h1, 19) + h2, 5) + 0x561ccd1b) | 0;
    h2 ^= Math.imul(rotl(Math.imul(word(key, i + 4), C2), 16), C3);
    h2 = (Math.imul(rotl(h2, 17) + h3, 5) + 0x0bcaa747) | 0;
    h3 ^= Math.imul(rotl(Math.imul(word(key, i + 8), C3), 17), C4);
    h3 = (Math.imul(rotl(h3, 15) + h4, 5) + 0x96cd1c35) | 0;
    h4 ^= Math.imul(rotl(Math.imul(word(key, i + 12), C4), 18), C1);
    h4 = (Math.imul(rotl(h4, 13) + h1, 5) + 0x32ac3b17) | 0;
  }
  const rest = len & 15;
  let k1 = 0;
  let k2 = 0;
  let k3 = 0;
  let k4 = 0;
  for (let j = rest - 1; j >= 0; j--) {
    const byte = key[blocks + j] << ((j & 3) * 8);
    if (j >= 12) k4 ^= byte;
    else if (j >= 8) k3 ^= byte;
    else if (j >= 4) k2 ^= byte;
    else k1 ^= byte;
  }
  if (rest > 12) h4 ^= Math.imul(rotl(Math.imul(k4, C4), 18), C1);
  if (rest > 8) h3 ^= Math.imul(rotl(Math.imul(k3, C3), 17), C4);
  if (rest > 4) h2 ^= Math.imul(rotl(Math.imul(k2, C2), 16), C3);
  if (rest > 0) h1 ^= Math.imul(rotl(Math.imul(k1, C1), 15), C2);
  h1 ^= len;
  h2 ^= len;
  h3 ^= len;
  h4 ^= len;
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  h1 = fmix32(h1);
  h2 = fmix32(h2);
  h3 = fmix32(h3);
  h4 = fmix32(h4);
  h1 = (h1 + h2 + h3 + h4) | 0;
  out[0] = h1;
  out[1] = (h2 + h1) | 0;
  out[2] = (h3 + h1) | 0;
  out[3] = (h4 + h1) | 0;
}

/** What another thread needs to use the same map (see OffsetMap.attach). */
export interface OffsetMapShare {
  memory: SharedArrayBuffer;
  slots: number;
  capacity: number;
  seed: number;
}

export class OffsetMap {
  /** Number of slots (a prime). */
  readonly slots: number;
  /** Most keys it accepts (load factor 0.9). */
  readonly capacity: number;
  /** Bytes held by the table: fixed at construction, whatever is put in it. */
  readonly byteSize: number;
  /**
   * Slot i: words 6i..6i+3 the digest, 6i+4 the offset's high bits plus one (0: empty, so a
   * new or cleared table is all zeros: one memset, no pass over the slots), 6i+5 its low bits.
   */
  private readonly table: Int32Array;
  /** One word after the table: the number of keys held (shared with other threads). */
  private readonly count: Int32Array;
  private readonly digest = new Int32Array(4);
  /** Per map, so nobody can pick keys that collide with a given other key in advance. */
  private readonly seed: number;
  private readonly memory: SharedArrayBuffer;

  /**
   * `bytes` (>= 3 slots' worth) bounds the table; INVALID_CONFIG when too small. With
   * `share`, a view of another thread's map instead (see `attach`).
   */
  constructor(
    readonly requestedBytes: number,
    share?: OffsetMapShare,
  ) {
    if (share) {
      this.slots = share.slots;
      this.capacity = share.capacity;
      this.seed = share.seed;
      this.memory = share.memory;
    } else {
      const maxSlots = Math.floor(requestedBytes / OFFSET_MAP_SLOT_BYTES);
      if (!Number.isFinite(maxSlots) || maxSlots < 3) {
        throw new LogdockError(
          'INVALID_CONFIG',
          `compaction offset map of ${requestedBytes} bytes is too small (at least ${3 * OFFSET_MAP_SLOT_BYTES})`,
        );
      }
      this.slots = largestPrimeAtMost(maxSlots);
      this.capacity = Math.max(1, Math.floor(this.slots * OFFSET_MAP_LOAD_FACTOR));
      this.seed = randomInt(TWO_32);
      this.memory = new SharedArrayBuffer((this.slots * SLOT_WORDS + 1) * 4);
    }
    this.table = new Int32Array(this.memory, 0, this.slots * SLOT_WORDS);
    this.count = new Int32Array(this.memory, this.table.byteLength, 1);
    this.byteSize = this.table.byteLength;
  }

  /** The same map, seen from another thread (`share` came from `share()` there). */
  static attach(share: OffsetMapShare): OffsetMap {
    return new OffsetMap(share.memory.byteLength, share);
  }

  /** What to post to a worker thread so that it can `attach` to this map. */
  share(): OffsetMapShare {
    return { memory: this.memory, slots: this.slots, capacity: this.capacity, seed: this.seed };
  }

  /** Number of distinct keys (digests) held. */
  get size(): number {
    return this.count[0];
  }

  clear(): void {
    // Nothing was put since the last clear: the table is empty already (most passes of a
    // compacted topic with nothing new to map).
    if (this.count[0] > 0) this.table.fill(0);
    this.count[0] = 0;
  }

  /**
   * Records `offset` (0 <= offset < 2^53) as the newest of `key`. Returns false, changing
   * nothing, when the key is not in the map and the map already holds `capacity` keys.
   */
  put(key: Buffer, offset: number): boolean {
    const w = this.find(key);
    const t = this.table;
    if (t[w + 4] === 0) {
      if (this.count[0] >= this.capacity) return false;
      this.count[0]++;
      t.set(this.digest, w);
    }
    t[w + 4] = Math.floor(offset / TWO_32) + 1;
    t[w + 5] = offset | 0;
    return true;
  }

  /** The offset recorded for `key`, or -1. */
  get(key: Buffer): number {
    const w = this.find(key);
    const hi = this.table[w + 4];
    return hi === 0 ? -1 : (hi - 1) * TWO_32 + (this.table[w + 5] >>> 0);
  }

  /**
   * The first word of the slot holding `key`'s digest, or of the empty slot where it
   * belongs (one always exists: the map is never full). Leaves the digest in `digest`.
   */
  private find(key: Buffer): number {
    const d = this.digest;
    murmur3x86128(key, this.seed, d);
    const d0 = d[0];
    const d1 = d[1];
    const d2 = d[2];
    const d3 = d[3];
    const n = this.slots;
    const t = this.table;
    let slot = (d0 >>> 0) % n;
    const step = 1 + ((d1 >>> 0) % (n - 1));
    for (;;) {
      const w = slot * SLOT_WORDS;
      if (t[w + 4] === 0) return w;
      if (t[w] === d0 && t[w + 1] === d1 && t[w + 2] === d2 && t[w + 3] === d3) return w;
      slot += step;
      if (slot >= n) slot -= n;
    }
  }
}
