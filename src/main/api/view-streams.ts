import type { MessageRow, ScanRange, SearchQuery } from '../../common/api/messages';
import { toErrorPayload } from '../../common/errors';
import type { Lane } from '../browse/lanes';
import { toRow } from '../browse/preview';
import type { Cluster } from '../cluster';
import { exportMessages } from '../export/export';
import type { ExportFormat } from '../export/format';
import { scanMerged } from '../search/merged-scan';
import { compileQuery } from '../search/query';
import type { SubscriptionHandler } from './dispatcher';
import { runWhenScanSlotFree, type ScanOwner } from './scan-slots';

const HIT_FLUSH_MS = 100;
const HIT_FLUSH_COUNT = 200;

type Emit<N extends 'messages.search' | 'messages.export'> = Parameters<SubscriptionHandler<N>>[1];
type Fail = (err: unknown) => void;

/** A view's lanes: one topic's chosen partitions, or every partition of a timeline's topics. */
export type LanesOf = () => Promise<Lane[]>;

export interface SearchParams {
  range: ScanRange;
  query: SearchQuery;
  maxResults: number;
  previewBytes: number;
  after?: { topic: string; partition: number; offset: number };
  /** Rows name their topic (a timeline). */
  withTopic: boolean;
}

/**
 * Streams a search of a view's lanes: hits merged by time (as the view shows its rows),
 * flushed at most every HIT_FLUSH_MS or HIT_FLUSH_COUNT hits, with progress, then done.
 * An invalid query throws at once; an unknown topic or partition fails before any event.
 * Returns how to cancel.
 */
export function streamSearch(
  cluster: Cluster,
  lanesOf: LanesOf,
  p: SearchParams,
  emit: Emit<'messages.search'>,
  fail: Fail,
  owner: ScanOwner,
): () => void {
  compileQuery(p.query); // an invalid query fails the subscription at once
  const abort = new AbortController();
  let hits: MessageRow[] = [];
  let lastFlush = Date.now();
  let ordinal = 0;
  const flush = () => {
    if (hits.length) emit({ type: 'hits', hits });
    hits = [];
    lastFlush = Date.now();
  };
  const scan = (lanes: Lane[]) =>
    scanMerged({
      source: cluster,
      lanes,
      range: p.range,
      query: p.query,
      limit: p.maxResults,
      signal: abort.signal,
      after: p.after,
      onMatch: (record, lane) => {
        const row = toRow(record, lane.partition, ordinal++, p.previewBytes);
        hits.push(p.withTopic ? { topic: lane.topic, ...row } : row);
        if (hits.length >= HIT_FLUSH_COUNT || Date.now() - lastFlush >= HIT_FLUSH_MS) flush();
        return ordinal < p.maxResults;
      },
      onProgress: (f) => {
        flush();
        emit({ type: 'progress', ...f });
      },
    }).then(
      (outcome) => {
        flush();
        if (outcome.reason === 'cancelled') return;
        emit({
          type: 'done',
          reason: outcome.reason,
          scanned: outcome.scanned,
          matched: outcome.matched,
          elapsedMs: outcome.elapsedMs,
        });
      },
      (err) => emit({ type: 'error', ...toErrorPayload(err) }),
    );
  startWithLanes(lanesOf, abort.signal, scan, fail, owner);
  return () => abort.abort();
}

export interface ExportParams {
  dataDir: string;
  /** The start of the default file name: the topic, or "timeline". */
  name: string;
  range: ScanRange;
  query?: SearchQuery;
  format: ExportFormat;
  fileName?: string;
}

/** Streams an export of a view's lanes (merged by time) with progress, then done. */
export function streamExport(
  cluster: Cluster,
  lanesOf: LanesOf,
  p: ExportParams,
  emit: Emit<'messages.export'>,
  fail: Fail,
  owner: ScanOwner,
): () => void {
  if (p.query) compileQuery(p.query);
  const abort = new AbortController();
  const run = (lanes: Lane[]) =>
    exportMessages({
      source: cluster,
      lanes,
      ...p,
      signal: abort.signal,
      onProgress: (f) => emit({ type: 'progress', ...f }),
    }).then(
      (done) => emit({ type: 'done', ...done }),
      (err) => {
        if (!abort.signal.aborted) emit({ type: 'error', ...toErrorPayload(err) });
      },
    );
  startWithLanes(lanesOf, abort.signal, run, fail, owner);
  return () => abort.abort();
}

/**
 * Runs `start` with the view's lanes once they are known to exist (else ends with `fail`)
 * and a scan slot is free (scan-slots.ts).
 */
function startWithLanes(
  lanesOf: LanesOf,
  signal: AbortSignal,
  start: (lanes: Lane[]) => Promise<unknown>,
  fail: Fail,
  owner: ScanOwner,
): void {
  lanesOf().then((lanes) => {
    if (!signal.aborted) runWhenScanSlotFree(signal, () => start(lanes), owner);
  }, fail);
}
