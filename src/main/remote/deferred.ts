import type { Cluster } from '../cluster/cluster';

type AsyncMethod = {
  [K in keyof Cluster]-?: Cluster[K] extends (...args: never[]) => Promise<unknown> ? K : never;
}[keyof Cluster];

const ASYNC_METHODS = [
  'listTopics',
  'describeTopic',
  'createTopic',
  'deleteTopic',
  'alterTopicConfigs',
  'createPartitions',
  'send',
  'appendBatches',
  'partitionFor',
  'read',
  'readRecords',
  'offsetForTimestamp',
  'waitForData',
  'deleteRecords',
  'listGroups',
  'describeGroup',
  'groupLag',
  'committedOffsets',
  'planOffsetReset',
  'resetGroupOffsets',
  'deleteGroup',
] as const satisfies readonly AsyncMethod[];

/** A method added to Cluster and not listed above is a compile error here. */
const complete: [Exclude<AsyncMethod, (typeof ASYNC_METHODS)[number] | 'close'>] extends [never]
  ? true
  : never = true;
void complete;

/**
 * A Cluster available at once whose implementation is still being made (a remote cluster
 * needs its secrets decrypted and its TLS files read first). Every call waits for it and
 * fails as it failed; listeners are attached once it is there. `close()` closes it if it came.
 * Lets API handler tables be built synchronously for any cluster name.
 */
export function deferredCluster(ready: Promise<Cluster>): Cluster {
  ready.catch(() => undefined); // failures are reported to each caller, not as unhandled
  const cluster: Partial<Record<keyof Cluster, unknown>> = {};
  for (const name of ASYNC_METHODS) {
    cluster[name] = async (...args: unknown[]) =>
      ((await ready)[name] as (...a: unknown[]) => Promise<unknown>)(...args);
  }
  const later = (attach: (c: Cluster) => () => void) => (): (() => void) => {
    let detach: (() => void) | undefined;
    let cancelled = false;
    void ready.then(
      (c) => {
        if (!cancelled) detach = attach(c);
      },
      () => undefined,
    );
    return () => {
      cancelled = true;
      detach?.();
    };
  };
  cluster.onAppend = (listener: Parameters<Cluster['onAppend']>[0]) =>
    later((c) => c.onAppend(listener))();
  cluster.onTopicsChanged = (listener: () => void) => later((c) => c.onTopicsChanged(listener))();
  cluster.close = async () => {
    const c = await ready.catch(() => null);
    await c?.close();
  };
  return cluster as Cluster;
}
