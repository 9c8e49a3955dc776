import { LOCAL_CLUSTER } from '../../common/api/clusters';
import { LogdockError } from '../../common/errors';
import type { Cluster } from '../cluster/cluster';
import { MetricsSampler, type MetricsOptions } from '../metrics/sampler';
import { clientOptions } from './client-options';
import { RemoteCluster } from './cluster';
import { deferredCluster } from './deferred';
import type { ClusterRegistry } from './registry';

/** What the API needs of one cluster: the cluster and the sampler of its rates and lag. */
export interface ClusterScope {
  readonly name: string;
  readonly cluster: Cluster;
  readonly metrics: MetricsSampler;
}

/**
 * The open connections to clusters by name: `local` is the embedded broker's scope; a remote
 * cluster is connected the first time it is asked for (its metrics sampled from then on) and
 * kept until its settings change or it is removed, when it is closed and the next use
 * connects again with the new settings.
 */
export class ClusterConnections {
  private readonly remote = new Map<string, ClusterScope>();
  private readonly listeners = new Set<(name: string) => void>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly registry: ClusterRegistry,
    private readonly local: ClusterScope,
    private readonly metricsOptions: MetricsOptions = {},
  ) {
    this.unsubscribe = registry.onChange(() => void this.closeRemote());
  }

  /** Throws NOT_FOUND for a name that is neither `local` nor a saved cluster. */
  scope(name: string): ClusterScope {
    if (name === LOCAL_CLUSTER) return this.local;
    let scope = this.remote.get(name);
    if (!scope) {
      if (!this.registry.has(name)) throw new LogdockError('NOT_FOUND', `no cluster named ${name}`);
      const cluster = deferredCluster(this.connect(name));
      const metrics = new MetricsSampler(cluster, this.metricsOptions);
      metrics.start();
      scope = { name, cluster, metrics };
      this.remote.set(name, scope);
    }
    return scope;
  }

  /** Called with a cluster's name when its connection is dropped (settings changed, removed). */
  onDropped(listener: (name: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Closes every remote connection (local stays: its owner closes it). */
  async close(): Promise<void> {
    this.unsubscribe();
    await this.closeRemote();
  }

  private async connect(name: string): Promise<Cluster> {
    const config = await this.registry.connectionConfig(name);
    return new RemoteCluster({
      name,
      client: await clientOptions(config, `logdock-${name}`),
      readOnly: config.readOnly,
    });
  }

  private async closeRemote(): Promise<void> {
    const scopes = [...this.remote.values()];
    this.remote.clear();
    for (const scope of scopes) {
      scope.metrics.stop();
      for (const listener of this.listeners) listener(scope.name);
    }
    await Promise.all(scopes.map((s) => s.cluster.close().catch(() => undefined)));
  }
}
