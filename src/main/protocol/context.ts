/**
 * What an API handler gets: the broker, the listener's options, and the connection it is
 * serving (its client id, peer address, and the address the client reached us on, which
 * Metadata and FindCoordinator advertise back).
 */
import type { Struct } from './codec/compile';
import type { Broker } from './broker-types';
import type { ProducerStates } from './records/producer-state';
import type { ListenerTls } from './tls';

export interface SaslUser {
  username: string;
  password: string;
}

export interface ServerOptions {
  host: string;
  port: number;
  sasl: SaslUser[] | undefined;
  /** TLS (Kafka's SSL / SASL_SSL listener), read and checked by loadListenerTls; undefined: plaintext. */
  tls: ListenerTls | undefined;
  maxRequestBytes: number;
  /**
   * Open connections at most. A new client beyond it takes the place of the connection idle
   * the longest (no request in flight); only when none is idle is it refused.
   */
  maxConnections: number;
  /** Kafka's connections.max.idle.ms: a connection completing no request for this long is closed. */
  connectionsMaxIdleMs: number;
  /**
   * Kafka's queued.max.request.bytes: request bytes held by all connections together
   * (partial frames and frames not yet served). Beyond it the connection holding the most is
   * closed, so a few clients sending huge partial frames cannot exhaust memory.
   */
  queuedMaxRequestBytes: number;
  autoCreateTopics: boolean;
  /** Partitions of automatically created topics (Kafka's num.partitions, default 1). */
  defaultPartitions: number;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Called with a copy of every request frame received (tests and the fuzzer capture real clients' requests). */
  tap: ((frame: Buffer) => void) | undefined;
}

export interface ConnectionInfo {
  id: number;
  clientHost: string;
  /** Host and port the client connected to: what we advertise as the broker's address. */
  localHost: string;
  localPort: number;
  authenticated: boolean;
  /** Set by SaslHandshake v0: the next frame is a bare SASL token without a Kafka header. */
  expectRawSaslToken: boolean;
  saslMechanism: string | null;
  /** Aborted when the connection closes, to end waiting Fetches early. */
  closed: AbortSignal;
}

export interface RequestContext {
  broker: Broker;
  /** Idempotent producers' sequence state, shared by all connections of the listener. */
  producers: ProducerStates;
  options: ServerOptions;
  connection: ConnectionInfo;
  clientId: string;
  apiVersion: number;
  correlationId: number;
  /**
   * A buffer of at least `size` bytes (stale contents) for bytes the response carries, e.g.
   * a Fetch's file reads: the connection reuses it for later requests once the response
   * has been written to the socket, so the handler must not keep it beyond that.
   */
  borrow: (size: number) => Buffer;
}

/**
 * An API handler: decoded request body in, response body out (null: send no response).
 * `Req` and `Res` are the API's generated types (generated/types.ts): `<Api>Request`, what
 * the codec decodes for any version, and `<Api>Response`.
 */
export type Handler<Req = Struct, Res = Struct> = (
  ctx: RequestContext,
  request: Req,
) => Promise<Res | null> | Res | null;

/** A handler of any API, as the listener keeps them by API key. */
export type AnyHandler = Handler<never, object>;

export const NODE_ID = 0;
export const CLUSTER_ID = 'logdock-local-cluster';
