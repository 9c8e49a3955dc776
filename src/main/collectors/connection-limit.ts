/**
 * The bound on connections that the collectors' TCP listeners (syslog, OTLP/HTTP) share.
 * Every connection costs a file descriptor, which the broker needs for its segment files,
 * and some memory; a client opening thousands of them must not take those from the rest of
 * the process. Beyond `max` open connections Node closes a new one as soon as it is accepted
 * (`server.maxConnections`); it is counted here, and reported to the source, which names it
 * in its status. (The Kafka listener has its own bound, which evicts the connection idle the
 * longest first: Kafka clients reconnect by themselves; syslog and OTLP senders may not.)
 */
import type { Server } from 'node:net';

export interface ConnectionCounts {
  /** Connections open now. */
  open: number;
  /** Connections closed at once because `max` were open. */
  refused: number;
  /** Connections the source closed for idling (see the source's idle rule). */
  closedIdle: number;
}

/**
 * Caps `server` at `max` open connections and counts them. `onRefused` is called with the
 * refusals so far for the 1st, 10th, 100th... refusal only, so that a flood of them does not
 * flood the log as well.
 */
export function limitConnections(
  server: Server,
  max: number,
  onRefused: (refused: number) => void,
): ConnectionCounts {
  const counts: ConnectionCounts = { open: 0, refused: 0, closedIdle: 0 };
  server.maxConnections = max;
  server.on('connection', (socket) => {
    counts.open++;
    socket.once('close', () => counts.open--);
  });
  server.on('drop', () => {
    counts.refused++;
    if (isPowerOfTen(counts.refused)) onRefused(counts.refused);
  });
  return counts;
}

/** Counts a connection closed for idling; true when it is one to report (1st, 10th, 100th...). */
export function countIdleClose(counts: ConnectionCounts): boolean {
  counts.closedIdle++;
  return isPowerOfTen(counts.closedIdle);
}

function isPowerOfTen(n: number): boolean {
  while (n % 10 === 0) n /= 10;
  return n === 1;
}

/** `N open, M refused (maxConnections X)`, for a source's status detail. */
export function describeConnections(counts: ConnectionCounts, max: number): string {
  const idle = counts.closedIdle > 0 ? `, ${counts.closedIdle} closed idle` : '';
  return `${counts.open} connections open, ${counts.refused} refused (maxConnections ${max})${idle}`;
}
