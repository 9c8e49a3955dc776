/**
 * Requests already stored, so a retry is not stored twice. An OTLP exporter retries a
 * request whose answer it did not get (connection reset, timeout, 503) with the same
 * bytes; if Logdock had appended it before dying, storing it again would duplicate it.
 * Each record carries `logdock.request: <digest>:<index>` (digest of the decoded request
 * body), so on start the tail of the source's topics says which records of which
 * requests are already there, and a retry stores only the missing ones. While running,
 * stored digests are remembered (bounded LRU) and a retry that arrives while its first
 * attempt is still being appended waits for that attempt.
 *
 * Limit: only the last TAIL_RECORDS records of each partition are looked at on start;
 * the exporters' retries concern the few requests in flight at the crash, which are the
 * newest records. A request sent twice on purpose with identical bytes (same timestamps,
 * same everything) is also stored once.
 */
import { createHash } from 'node:crypto';
import type { Cluster } from '../../cluster';
import { H, headerString } from '../record';
import { REQUEST_HEADER } from './records';

export const TAIL_RECORDS = 50_000;
const REMEMBERED = 10_000;

export function requestDigest(body: Uint8Array): string {
  return createHash('sha1').update(body).digest('hex').slice(0, 20);
}

export class StoredRequests {
  /** Digests of requests stored whole, oldest first (Map order) for eviction. */
  private readonly whole = new Map<string, true>();
  /** Record indexes found on start, per digest (the request may have been stored in part). */
  private readonly found = new Map<string, Set<number>>();
  private readonly pending = new Map<string, Promise<unknown>>();

  /** Indexes of the request already stored, `'all'` when it is stored whole. */
  storedOf(digest: string): ReadonlySet<number> | 'all' | undefined {
    if (this.whole.has(digest)) return 'all';
    return this.found.get(digest);
  }

  markStored(digest: string): void {
    this.found.delete(digest);
    this.whole.set(digest, true);
    if (this.whole.size > REMEMBERED) this.whole.delete(this.whole.keys().next().value as string);
  }

  /** Runs `fn` for `digest` after any attempt of the same request still in flight. */
  async exclusive<T>(digest: string, fn: () => Promise<T>): Promise<T> {
    const before = this.pending.get(digest);
    const run = (before ?? Promise.resolve()).catch(() => {}).then(fn);
    this.pending.set(digest, run);
    try {
      return await run;
    } finally {
      if (this.pending.get(digest) === run) this.pending.delete(digest);
    }
  }

  /** Reads the newest records of `topics` and remembers the requests of `sourceId` in them. */
  async recover(cluster: Cluster, topics: string[], sourceId: string): Promise<void> {
    for (const topic of topics) {
      for (const p of (await cluster.describeTopic(topic)).partitions) {
        let offset = Math.max(p.logStartOffset, p.logEndOffset - TAIL_RECORDS);
        while (offset < p.logEndOffset) {
          const records = await cluster.readRecords(topic, p.partition, offset, {
            maxRecords: 5000,
          });
          if (records.length === 0) break;
          for (const r of records) {
            if (headerString(r.headers, H.source) !== sourceId) continue;
            const tag = headerString(r.headers, REQUEST_HEADER) ?? '';
            const colon = tag.lastIndexOf(':');
            const index = Number(tag.slice(colon + 1));
            if (colon <= 0 || !Number.isSafeInteger(index)) continue;
            const digest = tag.slice(0, colon);
            let set = this.found.get(digest);
            if (!set) this.found.set(digest, (set = new Set()));
            set.add(index);
          }
          offset = records[records.length - 1].offset + 1;
        }
      }
    }
  }
}
