import { useAppStore } from '../store';

const LABELS = { connecting: 'Connecting…', open: 'Connected', closed: 'Disconnected' } as const;

/** The header's connection indicator; shows the server's refusal reason when there is one. */
export function ConnectionStatus() {
  const connection = useAppStore((s) => s.connection);
  return (
    <span
      className="connection"
      data-testid="connection-status"
      data-status={connection.status}
      title={connection.error ? `${connection.error.code}: ${connection.error.message}` : undefined}
    >
      {LABELS[connection.status]}
      {connection.error ? ` — ${connection.error.message}` : ''}
    </span>
  );
}
