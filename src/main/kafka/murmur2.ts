/**
 * Kafka's key hash and default key → partition mapping, bit for bit as the Java client's
 * `Utils.murmur2` / `Utils.toPositive` and `BuiltInPartitioner.partitionForKey`. Producers in
 * other languages (kafkajs, librdkafka's `murmur2_random`, kafka-python) use the same
 * function, so a key lands in the same partition whichever client wrote it.
 */

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/** The 32-bit murmur2 hash of `data`, as a signed int32 like Java's. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = SEED ^ length;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = data[i4] | (data[i4 + 1] << 8) | (data[i4 + 2] << 16) | (data[i4 + 3] << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M);
    h ^= k;
  }
  const tail = length & ~3;
  // The reference falls through a switch on length % 4; written out as ifs here.
  const rest = length & 3;
  if (rest === 3) h ^= data[tail + 2] << 16;
  if (rest >= 2) h ^= data[tail + 1] << 8;
  if (rest >= 1) {
    h ^= data[tail];
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** Kafka's `toPositive`: clears the sign bit (not `Math.abs`, which overflows on MIN_VALUE). */
export function toPositive(n: number): number {
  return n & 0x7fffffff;
}

/** `toPositive(murmur2(key)) % numPartitions`: the partition Kafka's clients pick for a key. */
export function partitionForKey(key: Uint8Array, numPartitions: number): number {
  return toPositive(murmur2(key)) % numPartitions;
}
