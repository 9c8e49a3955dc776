import { useAppStore } from '../store';

/** A kcat command line against this Logdock's Kafka listener, for empty states. */
export function KcatHint({ args }: { args: string }) {
  const listener = useAppStore((s) => s.systemInfo?.kafkaListener ?? null);
  return <code className="kcat-hint">{`kcat -b ${listener ?? '127.0.0.1:9092'} ${args}`}</code>;
}
