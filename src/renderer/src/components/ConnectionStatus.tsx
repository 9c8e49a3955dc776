import { useAppStore } from '../store';

const LABELS = { connecting: 'Connecting…', open: 'Connected', closed: 'Disconnected' } as const;

/**
 * The header's connection indicator; shows the server's refusal reason when there is one.
 * A dropped connection that is being retried reads "Reconnecting…" throughout, rather than
 * flickering between Disconnected and Connecting… with every attempt.
 */
export function ConnectionStatus() {
  const connection = useAppStore((s) => s.connection);
  return (
    <span
      className="connection"
      data-testid="connection-status"
      data-status={connection.status}
      data-lost={connection.lost ? 'true' : undefined}
      title={connection.error ? `${connection.error.code}: ${connection.error.message}` : undefined}
    >
      {connection.lost ? 'Reconnecting…' : LABELS[connection.status]}
      {connection.error ? ` — ${connection.error.message}` : ''}
    </span>
  );
}

/**
 * A banner across the frame while a lost connection is being retried: what is on screen
 * may be out of date, and buttons that need the backend will fail until it returns.
 */
export function ConnectionLostBanner() {
  const lost = useAppStore((s) => s.connection.lost);
  if (!lost) return null;
  return (
    <div className="connection-lost" role="status" data-testid="connection-lost">
      Lost the connection to Logdock. Reconnecting… What is shown may be out of date until it
      returns.
    </div>
  );
}
