/** What every source is given by the manager: the cluster, the data directory, a logger, a clock. */
import type { Cluster } from '../cluster';
import type { Logger } from '../logger';
import type { DescriptorPool } from './descriptor-pool';

export interface SourceDeps {
  /** Where the records go: topics are created and written only through this interface. */
  cluster: Cluster;
  dataDir: string;
  logger: Logger;
  /** Milliseconds since the epoch; tests inject their own, as for the broker and storage. */
  clock: () => number;
  /** The bound on file descriptors shared by the file sources (one per source if absent). */
  pool?: DescriptorPool;
  /** Called when something worth a status refresh happened. */
  onChange?: () => void;
}
