/**
 * DescribeLogDirs: the size on disk of each partition, as Kafka's admin tools and UIs ask it
 * (`kafka-log-dirs.sh --describe`, topic sizes in kafka-ui, Logdock's own remote clusters).
 * One log directory, the data directory; the sizes are the segment files' bytes the broker
 * keeps count of, and the volume's total and usable bytes come from statfs (v4).
 */
import { statfs } from 'node:fs/promises';
import { LogdockError } from '../../../common/errors';
import type { TopicDescription } from '../../broker/api';
import type { Handler, RequestContext } from '../context';
import type * as T from '../generated/types';

export const describeLogDirs: Handler<T.DescribeLogDirsRequest, T.DescribeLogDirsResponse> = async (
  ctx,
  req,
) => {
  // Sizes are known once the partitions found at startup loaded (in the background).
  await ctx.broker.whenLoaded();
  const topics =
    req.topics === null
      ? ctx.broker.listTopics({ includeInternal: true }).map((topic) => ({ topic, wanted: null }))
      : wantedTopics(ctx.broker, req.topics);
  const volume = await statfs(ctx.broker.dataDir).catch(() => null);
  return {
    throttleTimeMs: 0,
    errorCode: 0,
    results: [
      {
        errorCode: 0,
        logDir: ctx.broker.dataDir,
        topics: topics.map((t) => ({
          name: t.topic.name,
          partitions: t.topic.partitions
            .filter((p) => t.wanted === null || t.wanted.has(p.partition))
            .map((p) => ({
              partitionIndex: p.partition,
              partitionSize: p.sizeBytes,
              offsetLag: 0, // a single replica: the log end is the high watermark
              isFutureKey: false,
            })),
        })),
        totalBytes: volume ? volume.blocks * volume.bsize : -1,
        usableBytes: volume ? volume.bavail * volume.bsize : -1,
      },
    ],
  };
};

interface Wanted {
  topic: TopicDescription;
  /** The partitions asked about; null: all. */
  wanted: Set<number> | null;
}

/** The topics asked about that exist: Kafka leaves out what no log directory holds. */
function wantedTopics(
  broker: RequestContext['broker'],
  asked: T.DescribeLogDirsRequestDescribableLogDirTopic[],
): Wanted[] {
  const out: Wanted[] = [];
  for (const a of asked) {
    try {
      out.push({ topic: broker.describeTopic(a.topic), wanted: new Set(a.partitions) });
    } catch (err) {
      if (!(err instanceof LogdockError && err.code === 'UNKNOWN_TOPIC')) throw err;
    }
  }
  return out;
}
