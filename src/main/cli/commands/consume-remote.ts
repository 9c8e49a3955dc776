import type { Cluster, StoredRecord } from '../../cluster/cluster';
import { LogdockError } from '../../../common/errors';

export interface RemoteConsumeOptions {
  topic: string;
  group?: string;
  fromBeginning?: boolean;
  offset?: number;
  timestamp?: number;
  partition?: number;
  maxMessages?: number;
  timeoutMs?: number;
}

/**
 * `consume --bootstrap-server`: reads a topic of a Kafka cluster through the Cluster
 * interface, partition by partition from the chosen start, waiting at the leaders (Fetch long
 * polls) when everything was read. Stops as the local path does: --max-messages, --timeout-ms
 * without a record, or `stopped()`. Group membership needs a consumer of the group protocol,
 * which the cluster interface does not have: --group goes through `consumeAsGroupMember`
(consume-group.ts) instead.
 * @returns how many records were printed.
 */
export async function consumeFromCluster(
  cluster: Cluster,
  opts: RemoteConsumeOptions,
  print: (r: StoredRecord & { partition: number }) => void,
  stopped: () => boolean,
): Promise<number> {
  const topic = await cluster.describeTopic(opts.topic);
  const partitions =
    opts.partition !== undefined ? [opts.partition] : topic.partitions.map((p) => p.partition);
  const position = new Map<number, number>();
  for (const p of partitions) {
    const info = topic.partitions[p];
    if (!info) {
      throw new LogdockError('UNKNOWN_PARTITION', `topic ${opts.topic} has no partition ${p}`);
    }
    let start = opts.fromBeginning ? info.logStartOffset : info.logEndOffset;
    if (opts.offset !== undefined) start = opts.offset;
    if (opts.timestamp !== undefined) {
      start =
        (await cluster.offsetForTimestamp(opts.topic, p, opts.timestamp)) ?? info.logEndOffset;
    }
    position.set(p, start);
  }
  let total = 0;
  let idleSince = Date.now();
  const done = () =>
    stopped() ||
    (opts.maxMessages !== undefined && total >= opts.maxMessages) ||
    (opts.timeoutMs !== undefined && Date.now() - idleSince >= opts.timeoutMs);
  while (!done()) {
    let printed = 0;
    for (const p of partitions) {
      const from = position.get(p)!;
      const records = await cluster.readRecords(opts.topic, p, from, { maxRecords: 500 });
      for (const r of records) {
        if (opts.maxMessages !== undefined && total >= opts.maxMessages) break;
        print({ ...r, partition: p });
        position.set(p, r.offset + 1);
        total++;
        printed++;
      }
    }
    if (printed > 0) {
      idleSince = Date.now();
      continue;
    }
    const wait = opts.timeoutMs ? Math.max(0, idleSince + opts.timeoutMs - Date.now()) : 1000;
    const waits = new AbortController();
    await Promise.race(
      partitions.map((p) =>
        cluster.waitForData(opts.topic, p, position.get(p)!, Math.min(wait, 1000), waits.signal),
      ),
    );
    waits.abort();
  }
  return total;
}
