/**
 * The cluster interface (./cluster.ts) and its embedded implementation (./local.ts). The
 * API handlers, search, browse, replay, export, metrics and collectors depend only on
 * `Cluster`; see docs/ARCHITECTURE.md.
 */
export type * from './cluster';
export { LocalCluster, LOCAL_NODE_ID } from './local';
