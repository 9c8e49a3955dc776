import { useAppStore } from '../store';

/** The bottom bar: version, mode, data directory and Kafka listener of the backend. */
export function StatusBar() {
  const info = useAppStore((s) => s.systemInfo);
  const error = useAppStore((s) => s.systemInfoError);
  return (
    <footer className="app-status" data-testid="status-bar">
      {info ? (
        <>
          <span>Logdock {info.version}</span>
          <span>{info.mode}</span>
          <span data-testid="data-dir" title={info.dataDir}>
            {info.dataDir}
          </span>
          <span>Kafka: {info.kafkaListener ?? 'not listening'}</span>
        </>
      ) : error ? (
        <span>
          {error.code}: {error.message}
        </span>
      ) : (
        <span>…</span>
      )}
    </footer>
  );
}
