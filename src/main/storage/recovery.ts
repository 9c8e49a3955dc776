/**
 * Recovery after an unclean shutdown (docs/format/segment.md, "Crash and recovery rules"):
 * every segment from the one holding the recovery point is validated batch by batch; the
 * first invalid byte truncates its segment and every later segment is deleted.
 */
import { basename } from 'node:path';
import type { RecoveryReport } from './api';
import type { LogSegment, SegmentSettings } from './segment';

/**
 * Recovers `segs` (oldest first; modified in place: dropped segments are removed) and
 * fills `report`. Runs before the log is visible to anyone; not safe concurrently.
 */
export async function recoverSegments(
  segs: LogSegment[],
  recoveryPoint: number,
  report: RecoveryReport,
  settings: SegmentSettings,
): Promise<void> {
  report.recovered = true;
  let first = 0;
  for (let i = 0; i < segs.length; i++) if (segs[i].baseOffset <= recoveryPoint) first = i;
  let expected = segs[first].baseOffset;
  for (let i = first; i < segs.length; i++) {
    const seg = segs[i];
    const isLast = i === segs.length - 1;
    const keepNext = seg.nextOffset;
    const res = await seg.recover(expected);
    settings.onIndexRebuilt(basename(seg.offsetIndex.path));
    settings.onIndexRebuilt(basename(seg.timeIndex.path));
    // A sealed segment ends where the next begins (compaction may have emptied its tail),
    // unless it was truncated: then it ends after its last valid batch.
    if (!isLast && res.truncatedBytes === 0) seg.nextOffset = Math.max(seg.nextOffset, keepNext);
    expected = seg.nextOffset;
    if (res.truncatedBytes > 0) {
      report.truncatedBytes += res.truncatedBytes;
      report.truncatedAt = { segment: basename(seg.logPath), position: res.validBytes };
      const dropped = segs.splice(i + 1);
      for (const d of dropped) {
        report.truncatedBytes += d.size;
        await d.deleteFiles();
      }
      break;
    }
  }
}
