import { describe, expect, it } from 'vitest';
import { LogdockError } from '../../../src/common/errors';
import { selectPartitions } from '../../../src/main/browse/partitions';
import { LocalCluster } from '../../../src/main/cluster';
import { RemoteCluster } from '../../../src/main/remote/cluster';
import { scanRange } from '../../../src/main/search/scan';
import type { MessageSource } from '../../../src/main/browse/partitions';
import { useLogdock, type Logdock } from '../protocol/helpers';

// Browsing and searching a second Logdock as a remote cluster, over its Kafka listener.

const fixture = useLogdock();

function remoteOf(ld: Logdock): RemoteCluster {
  const cluster = new RemoteCluster({
    name: 'second',
    client: { clientId: 'logdock-test', bootstrapBrokers: [ld.bootstrap] },
  });
  fixture.onCleanup(() => cluster.close());
  return cluster;
}

async function search(source: MessageSource, text: string, readBytes?: number) {
  const found: string[] = [];
  const outcome = await scanRange({
    source,
    topic: 'app',
    partitions: null,
    range: { kind: 'all' },
    query: { text, caseSensitive: false },
    signal: new AbortController().signal,
    onMatch: (r, p) => void found.push(`${p}:${r.offset}:${r.value?.toString()}`),
    onProgress: () => undefined,
    readBytes,
  });
  return { found, scanned: outcome.scanned, reason: outcome.reason };
}

describe('a remote cluster in the message browser and search', () => {
  it("gives each partition's start and end offsets in one step, as describeTopic does", async () => {
    const ld = await fixture.start();
    await ld.broker.createTopic('app', { partitions: 3 });
    for (const p of [0, 1, 2])
      await ld.broker.send(
        Array.from({ length: 10 * (p + 1) }, (_, i) => ({
          topic: 'app',
          partition: p,
          value: Buffer.from(`line ${i}`),
        })),
      );
    await ld.broker.deleteRecords('app', 1, 5);
    const remote = remoteOf(ld);
    const described = (await remote.describeTopic('app')).partitions.map((p) => ({
      partition: p.partition,
      logStartOffset: p.logStartOffset,
      logEndOffset: p.logEndOffset,
    }));
    expect(await remote.partitionEnds('app')).toEqual(described);
    expect(described[1]).toEqual({ partition: 1, logStartOffset: 5, logEndOffset: 20 });
    expect(await selectPartitions(remote, 'app', [2])).toEqual([described[2]]);
    const missing = await remote.partitionEnds('missing').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(LogdockError);
    expect((missing as LogdockError).code).toBe('UNKNOWN_TOPIC');
  });

  it('searches with several Fetches in flight and finds exactly what the local search finds', async () => {
    const ld = await fixture.start();
    await ld.broker.createTopic('app', { partitions: 2 });
    // Batches of uneven sizes, many more than one Fetch brings, so that the reads are striped.
    let n = 0;
    for (let b = 0; b < 120; b++) {
      const size = 50 + ((b * 37) % 400);
      await ld.broker.send(
        Array.from({ length: size }, () => {
          const i = n++;
          return {
            topic: 'app',
            partition: b % 2,
            value: Buffer.from(`${i} ${'x'.repeat(200)} ${i % 101 === 0 ? 'NeeDle' : 'hay'}`),
          };
        }),
      );
    }
    // Reads of 64 KiB: each partition's ~3 MB take dozens, three at a time.
    const remote = await search(remoteOf(ld), 'needle', 64 * 1024);
    const local = await search(new LocalCluster(ld.broker), 'needle');
    expect(remote.scanned).toBe(n);
    expect(remote.found.length).toBe(Math.ceil(n / 101));
    expect(remote).toEqual(local);
  });
});

describe('a remote cluster in the topic views', () => {
  it("describes each partition's size on disk as the holder counts it (DescribeLogDirs)", async () => {
    const ld = await fixture.start();
    await ld.broker.createTopic('app', { partitions: 2 });
    await ld.broker.send(
      Array.from({ length: 500 }, (_, i) => ({
        topic: 'app',
        partition: 1,
        value: Buffer.from(`line ${i}`),
      })),
    );
    const remote = remoteOf(ld);
    const held = ld.broker.describeTopic('app').partitions.map((p) => p.sizeBytes);
    expect(held[1]).toBeGreaterThan(0);
    expect((await remote.describeTopic('app')).partitions.map((p) => p.sizeBytes)).toEqual(held);
    const [listed] = (await remote.listTopics()).filter((t) => t.name === 'app');
    expect(listed.partitions.map((p) => p.sizeBytes)).toEqual(held);
  });
});
