/**
 * Logdock's Kafka wire protocol listener (issue 6). Entry point:
 *
 *   const server = await startKafkaServer(broker, { port: 9092 });
 *   server.address(); // { host, port }
 *   await server.close();
 *
 * Throws `INVALID_CONFIG` for a non-loopback host without SASL users or TLS client
 * certificates, `UNAVAILABLE` when the port is in use, and loadListenerTls's errors (naming
 * the file) for TLS files that cannot be read or do not fit together. With `enabled: false`
 * it binds nothing and returns a closed server whose address() has port 0. See docs/protocol.md.
 */
import type { Broker } from './broker-types';
import type { SaslUser, ServerOptions } from './context';
import { HANDLERS } from './handlers';
import { listen, type KafkaServer } from './server';
import { loadListenerTls, type ListenerTlsFiles } from './tls';

export type { KafkaServer } from './server';
export type { Broker } from './broker-types';
export { loadListenerTls, type ListenerTlsFiles } from './tls';

export interface KafkaServerOptions {
  host?: string;
  /** 9092 by default; 0 picks a free port. */
  port?: number;
  enabled?: boolean;
  /** SASL/PLAIN users; required when `host` is not a loopback address. */
  sasl?: SaslUser[];
  /**
   * Serve TLS with these PEM files (Kafka's SSL listener, SASL_SSL with `sasl`); with a CA
   * file clients must present a certificate it signed.
   */
  tls?: ListenerTlsFiles;
  /** Largest request frame accepted (Kafka's socket.request.max.bytes, 100 MiB). */
  maxRequestBytes?: number;
  maxConnections?: number;
  /** Kafka's connections.max.idle.ms (default 10 minutes, as Kafka). */
  connectionsMaxIdleMs?: number;
  /** Kafka's queued.max.request.bytes, across all connections (default 256 MiB). */
  queuedMaxRequestBytes?: number;
  /** Create unknown topics asked for in Metadata (Kafka's auto.create.topics.enable). */
  autoCreateTopics?: boolean;
  /** Partition count of automatically created topics (Kafka's num.partitions). */
  defaultPartitions?: number;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Receives a copy of every request frame (size prefix removed); for capturing real clients. */
  tap?: (frame: Buffer) => void;
}

export const DEFAULT_KAFKA_PORT = 9092;

export async function startKafkaServer(
  broker: Broker,
  opts: KafkaServerOptions = {},
): Promise<KafkaServer> {
  const options: ServerOptions = {
    host: opts.host ?? '127.0.0.1',
    port: opts.port ?? DEFAULT_KAFKA_PORT,
    sasl: opts.sasl && opts.sasl.length > 0 ? opts.sasl : undefined,
    tls: opts.tls && opts.enabled !== false ? await loadListenerTls(opts.tls) : undefined,
    maxRequestBytes: opts.maxRequestBytes ?? 100 * 1024 * 1024,
    maxConnections: opts.maxConnections ?? 1000,
    connectionsMaxIdleMs: opts.connectionsMaxIdleMs ?? 10 * 60_000,
    queuedMaxRequestBytes: opts.queuedMaxRequestBytes ?? 256 * 1024 * 1024,
    autoCreateTopics: opts.autoCreateTopics ?? true,
    defaultPartitions: opts.defaultPartitions ?? 1,
    log: opts.log ?? ((level, message) => (level === 'info' ? undefined : console.warn(message))),
    tap: opts.tap,
  };
  if (opts.enabled === false) {
    return {
      address: () => ({ host: options.host, port: 0 }),
      connectionCount: () => 0,
      busyConnectionCount: () => 0,
      heldRequestBytes: () => 0,
      close: async () => {},
    };
  }
  return listen(broker, options, HANDLERS);
}
