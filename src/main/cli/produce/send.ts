import type { ApiClient } from '../../../common/api/contract';
import { BatchPipeline, type PipelineOptions } from './pipeline';

/** What `logdock produce` sends: lines already split into key and value. */
export interface ProduceTarget {
  topic: string;
  partition?: number;
  acks: 1 | -1;
}

export type Line = { key: string | null; value: string };

/**
 * Through a running Logdock: batches of up to 5,000 lines or 512 KiB (well under the API's
 * 4 MiB frame limit), 4 in flight, so at most ~2 MiB of lines wait in memory.
 */
export const API_BATCHES: PipelineOptions = {
  maxRecords: 5000,
  maxBytes: 512 * 1024,
  maxInFlight: 4,
};

/** Sends every line through the API (messages.produceBatch); returns how many were acked. */
export async function produceViaApi(
  api: ApiClient,
  target: ProduceTarget,
  lines: AsyncIterable<Line[]>,
  options: PipelineOptions = API_BATCHES,
): Promise<number> {
  const pipeline = new BatchPipeline<Line>(
    (records) => api.call('messages.produceBatch', { ...target, records }),
    options,
  );
  for await (const group of lines) {
    for (const line of group)
      await pipeline.push(line, line.value.length + (line.key?.length ?? 0));
  }
  await pipeline.finish();
  return pipeline.acked;
}
