/**
 * The TCP listener. Accepts connections up to `maxConnections` (then a new one replaces the
 * connection idle the longest, or is closed at once when none is idle), bounds the request
 * bytes all connections hold together (`queuedMaxRequestBytes`), hands each socket to a
 * `Connection`, and closes them all on `close()`.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { LogdockError } from '../../common/errors';
import type { Broker } from './broker-types';
import { BufferPool, sharedBuffer } from '../buffer-pool';
import { Connection } from './connection';
import type { AnyHandler, ServerOptions } from './context';
import { ProducerStates } from './records/producer-state';
import { describeHandshakeFailure } from './tls';

/** A client that has not finished its TLS handshake by then is dropped (Node's default: 120 s). */
const TLS_HANDSHAKE_TIMEOUT_MS = 10_000;

export interface KafkaServer {
  /** The address actually bound (the real port when 0 was asked for). */
  address(): { host: string; port: number };
  /** Number of open client connections. */
  connectionCount(): number;
  /** Connections with a request in flight (a waiting Fetch counts): those never evicted. */
  busyConnectionCount(): number;
  /** Request bytes held by all connections (bounded by queuedMaxRequestBytes). */
  heldRequestBytes(): number;
  /** Stops accepting, closes every connection (aborting waiting Fetches). Idempotent. */
  close(): Promise<void>;
}

/**
 * Makes room for a new client by closing the connection idle the longest (no request in
 * flight: a waiting Fetch is not idle). Kafka clients reconnect by themselves when they need
 * a connection again; without this, connections that never send a byte lock every client
 * out. Returns false when no connection is idle.
 */
function evictIdlest(connections: Set<Connection>): boolean {
  let idlest: Connection | null = null;
  for (const c of connections)
    if (c.isIdle() && (!idlest || c.lastActivity < idlest.lastActivity)) idlest = c;
  idlest?.close('evicted to make room for a new connection (maxConnections reached)');
  return idlest !== null;
}

export function isLoopback(host: string): boolean {
  return (
    host === 'localhost' || host === '::1' || /^127\./.test(host) || host === '::ffff:127.0.0.1'
  );
}

/**
 * Binds the listener (TLS when `options.tls` is set: Kafka's SSL, or SASL_SSL with SASL
 * users). Throws `INVALID_CONFIG` when asked to bind a non-loopback address without a way
 * to tell clients apart — SASL users, or TLS that requires client certificates — (the log
 * would be open to the network), and `UNAVAILABLE` when the address is in use or cannot be
 * bound.
 */
export async function listen(
  broker: Broker,
  options: ServerOptions,
  handlers: ReadonlyMap<number, AnyHandler>,
): Promise<KafkaServer> {
  const authenticates =
    (options.sasl !== undefined && options.sasl.length > 0) || options.tls?.requireClientCert;
  if (!isLoopback(options.host) && !authenticates) {
    throw new LogdockError(
      'INVALID_CONFIG',
      `kafka listener: binding to ${options.host} (not loopback) requires SASL/PLAIN users or TLS client certificates (a CA file) to be configured`,
    );
  }
  const connections = new Set<Connection>();
  const producers = new ProducerStates(broker);
  // Shared memory: the ingest worker checks a large Produce's batches in place, uncopied
  // (broker/validate-off-thread.ts).
  const buffers = new BufferPool(undefined, undefined, sharedBuffer);
  let nextId = 1;
  let heldBytes = 0;
  /** Keeps the request bytes of all connections within queuedMaxRequestBytes. */
  const onHeldBytes = (_c: Connection, delta: number): void => {
    heldBytes += delta;
    if (delta <= 0 || heldBytes <= options.queuedMaxRequestBytes) return;
    let hog: Connection | null = null;
    for (const c of connections) if (!hog || c.heldBytes() > hog.heldBytes()) hog = c;
    hog?.close(
      `request bytes of all connections exceed ${options.queuedMaxRequestBytes} (queuedMaxRequestBytes); this one held the most, ${hog.heldBytes()}`,
    );
  };
  const accept = (socket: Socket) => {
    if (connections.size >= options.maxConnections && !evictIdlest(connections)) {
      options.log(
        'warn',
        `kafka: refusing connection from ${socket.remoteAddress}: ${options.maxConnections} connections open (maxConnections), none idle`,
      );
      socket.destroy();
      return;
    }
    const conn = new Connection(socket, nextId++, {
      broker,
      producers,
      options,
      buffers,
      handlers,
      onClose: (c) => connections.delete(c),
      onHeldBytes,
    });
    connections.add(conn);
  };
  const server: Server = options.tls
    ? createTlsServer(
        {
          ...options.tls.context,
          requestCert: options.tls.requireClientCert,
          rejectUnauthorized: options.tls.requireClientCert,
          handshakeTimeout: TLS_HANDSHAKE_TIMEOUT_MS,
        },
        accept,
      )
    : createServer(accept);
  // A failed handshake (a plaintext client, garbage, an untrusted client certificate) costs
  // that socket only; it is named in the log so a person can tell why a client cannot connect.
  server.on('tlsClientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    options.log(
      'warn',
      // The address is gone when the client has already closed the socket.
      `kafka: TLS handshake with ${socket.remoteAddress ?? 'a client'} failed: ${describeHandshakeFailure(err)}`,
    );
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      reject(
        new LogdockError(
          'UNAVAILABLE',
          err.code === 'EADDRINUSE'
            ? `kafka listener: ${options.host}:${options.port} is already in use (another Kafka or Logdock?); change the port in settings or stop the other process`
            : `kafka listener: cannot listen on ${options.host}:${options.port}: ${err.message}`,
          { cause: err },
        ),
      );
    };
    server.once('error', onError);
    server.listen({ host: options.host, port: options.port }, () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.on('error', (err) => options.log('error', `kafka listener error: ${err.message}`));
  const stopWatchingTopics = producers.watchTopics();
  const bound = server.address();
  const port = typeof bound === 'object' && bound ? bound.port : options.port;
  let closing: Promise<void> | null = null;

  return {
    address: () => ({ host: options.host, port }),
    connectionCount: () => connections.size,
    busyConnectionCount: () => [...connections].filter((c) => !c.isIdle()).length,
    heldRequestBytes: () => heldBytes,
    close() {
      closing ??= (async () => {
        stopWatchingTopics();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        const pending = [...connections].map((c) => c.whenIdle());
        for (const c of [...connections]) c.close();
        await Promise.allSettled(pending);
        await closed;
      })();
      return closing;
    },
  };
}
