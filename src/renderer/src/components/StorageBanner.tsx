import { useEffect } from 'react';
import { useAppStore } from '../store';

/**
 * A banner across the frame while the storage needs attention: partitions still loading
 * after startup or recovering in the background after an unclean shutdown (with progress), writes refused for a full
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
  const { diskFull, corrupt, recovery, loading } = health;
  return (
    <>
      {loading && (
        <div
          className="storage-banner"
          role="status"
          data-testid="storage-loading"
          title={loading.pending.join('\n')}
        >
          Opening partitions: {loading.done} of {loading.total} loaded. Topic sizes and offsets show
          once they are; each partition loads at once when first read or written.
        </div>
      )}
      {recovery && (
        <div
          className="storage-banner"
          role="status"
          data-testid="storage-recovering"
          title={recovery.pending.join('\n')}
        >
          Recovering after an unclean shutdown: {recovery.done} of {recovery.total} partitions
          checked. Those still recovering ({describe(recovery.pending.map(partitionOf))}
          {recovery.total - recovery.done > recovery.pending.length ? ', …' : ''}) answer once done;
          everything else works now.
        </div>
      )}
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

/** `topic-partition` as the banner's describe() takes it. */
function partitionOf(name: string): { topic: string; partition: number } {
  const at = name.lastIndexOf('-');
  return { topic: name.slice(0, at), partition: Number(name.slice(at + 1)) };
}

function describe(corrupt: { topic: string; partition: number }[]): string {
  const parts = [...new Set(corrupt.map((c) => `${c.topic}-${c.partition}`))];
  const shown = parts.slice(0, 3).join(', ');
  return parts.length > 3 ? `${shown} and ${parts.length - 3} more` : shown;
}
