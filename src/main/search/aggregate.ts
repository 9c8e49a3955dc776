import type { AggregateResult } from '../../common/api/aggregate';
import type { ScanRange, SearchQuery } from '../../common/api/messages';
import type { MessageSource } from '../browse/partitions';
import type { WorkerPool } from '../workers/pool';
import { createCounter } from './counters';
import { compileQuery } from './query';
import { scanRange, type ProgressFigures } from './scan';

/** How often the counts so far are reported while the scan runs. */
const PARTIAL_MS = 500;

export interface AggregateRequest {
  topic: string;
  partitions: number[] | null;
  range: ScanRange;
  query?: SearchQuery;
  field?: string;
  top: number;
  histogram?: { from: number; to: number; buckets: number };
  maxMatches: number;
}

export type AggregateCounts = Omit<AggregateResult, 'type' | 'final'>;

/**
 * Counts a view's messages (or a query's hits) by the values of one field and/or by time
 * and level with the search's scan: each read is tested and counted in the worker pool
 * (count-chunk.ts), and the main process only adds up each read's counts, so that counting
 * a million messages leaves its event loop free. Stops after `maxMatches` counted messages.
 * @throws LogdockError INVALID_ARGUMENT for an invalid query, UNKNOWN_TOPIC/UNKNOWN_PARTITION.
 */
export async function aggregate(
  source: MessageSource,
  req: AggregateRequest,
  opts: {
    signal: AbortSignal;
    onProgress: (f: ProgressFigures) => void;
    onPartial: (counts: AggregateCounts) => void;
    /** The threads that count; the process's shared pool by default. */
    pool?: WorkerPool;
  },
): Promise<AggregateCounts | null> {
  if (req.query) compileQuery(req.query); // an invalid query fails before the scan
  const spec = { field: req.field, histogram: req.histogram };
  const counter = createCounter(spec);
  const started = Date.now();
  let scanned = 0;
  let lastPartial = Date.now();
  const counts = (truncated: boolean): AggregateCounts => ({
    facet: counter.facet(req.top),
    histogram: counter.histogram(),
    scanned,
    matched: counter.matched(),
    truncated,
    elapsedMs: Date.now() - started,
  });
  const partial = () => {
    const now = Date.now();
    if (now - lastPartial < PARTIAL_MS) return;
    lastPartial = now;
    opts.onPartial(counts(false));
  };

  const outcome = await scanRange({
    source,
    topic: req.topic,
    partitions: req.partitions,
    range: req.range,
    query: req.query ?? null,
    limit: req.maxMatches,
    signal: opts.signal,
    pool: opts.pool,
    count: {
      spec,
      onCounts: (c) => {
        counter.merge(c);
        partial();
      },
    },
    // A selection's messages (a few picked rows) are tested and counted here.
    onMatch: (record, partition) => {
      counter.add(record, partition);
      return counter.matched() < req.maxMatches;
    },
    onProgress: (f) => {
      scanned = f.scanned;
      opts.onProgress(f);
    },
  });
  if (outcome.reason === 'cancelled') return null;
  scanned = outcome.scanned;
  return counts(outcome.reason === 'limit');
}
