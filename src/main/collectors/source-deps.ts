/** What every source is given by the manager: the broker, the data directory, a logger, a clock. */
import type { BrokerApi } from '../broker/api';
import type { Logger } from '../logger';
import type { DescriptorPool } from './descriptor-pool';

export interface SourceDeps {
  broker: BrokerApi;
  dataDir: string;
  logger: Logger;
  /** Milliseconds since the epoch; tests inject their own, as for broker and storage. */
  clock: () => number;
  /** The bound on file descriptors shared by the file sources (one per source if absent). */
  pool?: DescriptorPool;
  /** Called when something worth a status refresh happened. */
  onChange?: () => void;
}
