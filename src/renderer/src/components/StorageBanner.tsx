import { useEffect } from 'react';
import { useAppStore } from '../store';

/**
 * A banner across the frame while the storage needs attention: writes refused for a full
 * disk (they resume by themselves when space returns), or corrupt batches found by a
 * reader or the background scrub (each named by partition, file, position and offsets in
 * the tooltip and in Logdock's log).
 */
export function StorageBanner() {
  const status = useAppStore((s) => s.connection.status);
  const watch = useAppStore((s) => s.watchStorageHealth);
  const health = useAppStore((s) => s.storageHealth);
  useEffect(() => (status === 'open' ? watch() : undefined), [status, watch]);
  if (!health) return null;
  const { diskFull, corrupt } = health;
  return (
    <>
      {diskFull && (
        <div className="storage-banner" role="alert" data-testid="disk-full">
          The disk is full: Logdock refuses new messages until space is freed, then resumes by
          itself. Reading works. ({diskFull.message})
        </div>
      )}
      {corrupt.length > 0 && (
        <div
          className="storage-banner"
          role="alert"
          data-testid="storage-corrupt"
          title={corrupt
            .map(
              (c) =>
                `${c.topic}-${c.partition}: ${c.file} position ${c.position}` +
                (c.baseOffset === null ? '' : ` offsets ${c.baseOffset}..${c.lastOffset}`) +
                `: ${c.reason}`,
            )
            .join('\n')}
        >
          Corrupt data found in {describe(corrupt)}: reads of those offsets fail. Details in the log
          and this banner&apos;s tooltip.
        </div>
      )}
    </>
  );
}

function describe(corrupt: { topic: string; partition: number }[]): string {
  const parts = [...new Set(corrupt.map((c) => `${c.topic}-${c.partition}`))];
  const shown = parts.slice(0, 3).join(', ');
  return parts.length > 3 ? `${shown} and ${parts.length - 3} more` : shown;
}
