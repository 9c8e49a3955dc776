/**
 * Request-decoding fuzzer shared by the bounded CI test (test/main/protocol/fuzz.test.ts)
 * and the long run (`npm run fuzz`, bench/fuzz.ts). It feeds the exact decoding path of a
 * connection (header, version check, body, old-format record conversion) with random
 * frames and with mutations of valid requests: sample requests of every version of every
 * served API (built from the schemas) plus any captured real requests. A decoding failure
 * must be a LogdockError (which closes only that client's connection); anything else — a
 * RangeError from an unchecked read, a TypeError — is a bug and is returned as a finding.
 */
import { LogdockError } from '../../common/errors';
import { APIS, decodeRequest, encodeRequest, readRequestHeader } from './codec/messages';
import { Reader } from './codec/reader';
import { sampleMessage } from './codec/samples';
import { encodeRecordBatch } from '../storage/record-batch';
import { legacyToBatch, magicOf } from './records/legacy';

export interface FuzzFinding {
  input: string; // hex
  error: string;
}

export interface FuzzStats {
  iterations: number;
  decoded: number;
  rejected: number;
  findings: FuzzFinding[];
}

/** A small, seedable PRNG (mulberry32) so a failing run can be replayed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Valid request frames (without the size prefix) for every served API and version. */
export function seedCorpus(extra: Buffer[] = []): Buffer[] {
  const out: Buffer[] = [];
  for (const api of APIS.values()) {
    for (let v = api.minVersion; v <= api.maxVersion; v++) {
      const body = sampleMessage(api.request, v);
      if (api.name === 'Produce') {
        // Real record batches, so that mutations also reach the record parsers.
        const records = encodeRecordBatch([
          { key: Buffer.from('k'), value: Buffer.from('v'), timestamp: 1 },
        ]);
        for (const t of body.topicData as { partitionData: { records: Buffer }[] }[]) {
          for (const p of t.partitionData) p.records = records;
        }
      }
      out.push(encodeRequest(api, v, v, 'fuzz', body).subarray(4));
    }
  }
  return [...out, ...extra];
}

/** Decodes one frame as a connection would. Throws whatever the decoder throws. */
export function decodeFrame(frame: Buffer): void {
  const r = new Reader(frame);
  const { header, api } = readRequestHeader(r);
  if (
    !api ||
    header.requestApiVersion < api.minVersion ||
    header.requestApiVersion > api.maxVersion
  )
    return;
  const body = decodeRequest(api, header.requestApiVersion, r);
  if (api.name === 'Produce') {
    for (const t of (body.topicData as { partitionData: { records: Buffer | null }[] }[]) ?? []) {
      for (const p of t.partitionData) {
        if (p.records && magicOf(p.records) !== 2 && p.records.length > 0) legacyToBatch(p.records);
      }
    }
  }
}

function mutate(input: Buffer, rand: () => number): Buffer {
  const b = Buffer.from(input);
  const ops = 1 + Math.floor(rand() * 4);
  for (let i = 0; i < ops; i++) {
    const pos = Math.floor(rand() * Math.max(1, b.length));
    switch (Math.floor(rand() * 5)) {
      case 0: // flip a byte
        if (b.length) b[pos] = Math.floor(rand() * 256);
        break;
      case 1: // extreme values where lengths and counts live
        if (b.length >= pos + 4)
          b.writeInt32BE([0x7fffffff, -1, -2, 0x10000][Math.floor(rand() * 4)], pos);
        break;
      case 2: // truncate
        return b.subarray(0, pos);
      case 3: // varint with the continuation bit set everywhere
        if (b.length) b.fill(0xff, pos, Math.min(b.length, pos + 1 + Math.floor(rand() * 6)));
        break;
      default: // insert garbage
        return Buffer.concat([
          b.subarray(0, pos),
          Buffer.from([Math.floor(rand() * 256)]),
          b.subarray(pos),
        ]);
    }
  }
  return b;
}

/** Runs `iterations` decode attempts; findings are non-LogdockError failures. */
export function fuzzDecode(iterations: number, seed: number, corpus = seedCorpus()): FuzzStats {
  const rand = prng(seed);
  const stats: FuzzStats = { iterations, decoded: 0, rejected: 0, findings: [] };
  for (let i = 0; i < iterations; i++) {
    let input: Buffer;
    if (rand() < 0.2) {
      input = Buffer.alloc(Math.floor(rand() * 64));
      for (let j = 0; j < input.length; j++) input[j] = Math.floor(rand() * 256);
    } else {
      input = mutate(corpus[Math.floor(rand() * corpus.length)], rand);
    }
    try {
      decodeFrame(input);
      stats.decoded++;
    } catch (err) {
      if (err instanceof LogdockError) stats.rejected++;
      else
        stats.findings.push({
          input: input.toString('hex'),
          error: (err as Error).stack ?? String(err),
        });
    }
  }
  return stats;
}
