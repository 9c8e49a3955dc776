import { describe, expect, it } from 'vitest';
import { encodeRecordBatch } from '../../../../src/main/storage/record-batch';
import type { Struct } from '../../../../src/main/protocol/codec/compile';
import { RawClient, useLogdock, waitFor, type Logdock } from '../helpers';
import { encodeSubscription } from '../../../../src/main/kafka/consumer-protocol';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { segmentFileName } from '../../../../src/main/storage';
import { unsetMaxTimestampSegment } from '../../storage/helpers';

const logdock = useLogdock();

/** The topic's id as topics.json keeps it, in the 16 bytes of the protocol's uuid. */
function idOf(ld: Logdock, topic: string): Buffer {
  return Buffer.from(ld.broker.topicId(topic)!.replace(/-/g, ''), 'hex');
}
async function setup(): Promise<{ ld: Logdock; client: RawClient }> {
  const ld = await logdock.start();
  return { ld, client: await logdock.client(ld.port) };
}

const list = (v: unknown) => v as Struct[];

describe('admin APIs', () => {
  it('creates topics, refusing duplicates and replication factors above 1', async () => {
    const { ld, client } = await setup();
    const topic = (name: string, replicationFactor = 1) => ({
      name,
      numPartitions: 2,
      replicationFactor,
      assignments: [],
      configs: [{ name: 'retention.ms', value: '1000' }],
    });
    const res = await client.request('CreateTopics', 7, {
      topics: [topic('a'), topic('b', 3)],
      timeoutMs: 1000,
      validateOnly: false,
    });
    expect(list(res.topics).map((t) => [t.name, t.errorCode])).toEqual([
      ['a', 0],
      ['b', 38],
    ]);
    expect((list(res.topics)[0].topicId as Buffer).equals(idOf(ld, 'a'))).toBe(true);
    expect(ld.broker.describeTopic('a').configs['retention.ms']).toBe(1000);
    const again = await client.request('CreateTopics', 2, {
      topics: [topic('a')],
      timeoutMs: 1000,
      validateOnly: false,
    });
    expect(list(again.topics)[0].errorCode).toBe(36);
  });

  it('refuses partition counts the broker cannot hold with INVALID_PARTITIONS, in CreateTopics and CreatePartitions', async () => {
    const { client } = await setup();
    const created = await client.request('CreateTopics', 7, {
      topics: [
        { name: 'huge', numPartitions: 10_001, replicationFactor: 1, assignments: [], configs: [] },
        { name: 'fine', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] },
      ],
      timeoutMs: 1000,
      validateOnly: false,
    });
    expect(list(created.topics).map((t) => [t.name, t.errorCode])).toEqual([
      ['huge', 37],
      ['fine', 0],
    ]);
    expect(list(created.topics)[0].errorMessage).toMatch(/huge.*10001/);
    const grown = await client.request('CreatePartitions', 3, {
      topics: [{ name: 'fine', count: 10_001, assignments: null }],
      timeoutMs: 1000,
      validateOnly: false,
    });
    expect(list(grown.results).map((t) => [t.name, t.errorCode])).toEqual([['fine', 37]]);
  });

  it('gives a topic created again under the same name a new id, kept across a restart', async () => {
    const { ld, client } = await setup();
    const metadataId = async (port: number) => {
      const c = port === ld.port ? client : await logdock.client(port);
      const res = await c.request('Metadata', 12, {
        topics: [{ name: 'reborn', topicId: Buffer.alloc(16) }],
        allowAutoTopicCreation: false,
        includeTopicAuthorizedOperations: false,
      });
      return list(res.topics)[0].topicId as Buffer;
    };
    await ld.broker.createTopic('reborn');
    const first = await metadataId(ld.port);
    expect(first.equals(Buffer.alloc(16))).toBe(false);
    expect(first.equals(idOf(ld, 'reborn'))).toBe(true);
    await ld.broker.deleteTopic('reborn');
    await ld.broker.createTopic('reborn');
    const second = await metadataId(ld.port);
    expect(second.equals(first)).toBe(false);
    await ld.stop();
    const again = await logdock.start({}, ld.dir);
    expect((await metadataId(again.port)).equals(second)).toBe(true);
  });

  it('takes compression.type in CreateTopics and AlterConfigs, refusing unknown codecs', async () => {
    const { ld, client } = await setup();
    const created = await client.request('CreateTopics', 7, {
      topics: [
        {
          name: 'zipped',
          numPartitions: 1,
          replicationFactor: 1,
          assignments: [],
          configs: [{ name: 'compression.type', value: 'lz4' }],
        },
      ],
      timeoutMs: 1000,
      validateOnly: false,
    });
    expect(list(created.topics)[0].errorCode).toBe(0);
    expect(ld.broker.describeTopic('zipped').configs['compression.type']).toBe('lz4');
    const alter = (value: string) =>
      client.request('IncrementalAlterConfigs', 1, {
        resources: [
          {
            resourceType: 2,
            resourceName: 'zipped',
            configs: [{ name: 'compression.type', configOperation: 0, value }],
          },
        ],
        validateOnly: false,
      });
    expect(list((await alter('producer')).responses)[0].errorCode).toBe(0);
    expect(ld.broker.describeTopic('zipped').configs['compression.type']).toBe('producer');
    expect(list((await alter('brotli')).responses)[0].errorCode).toBe(40);
  });

  it('deletes topics by name (v4) and by topic id (v6)', async () => {
    const { ld, client } = await setup();
    await ld.broker.createTopic('by-name');
    await ld.broker.createTopic('by-id');
    const v4 = await client.request('DeleteTopics', 4, {
      topicNames: ['by-name', 'never-was'],
      timeoutMs: 1000,
    });
    expect(list(v4.responses).map((r) => [r.name, r.errorCode])).toEqual([
      ['by-name', 0],
      ['never-was', 3],
    ]);
    const v6 = await client.request('DeleteTopics', 6, {
      topics: [{ name: null, topicId: idOf(ld, 'by-id') }],
      timeoutMs: 1000,
    });
    expect(list(v6.responses)[0]).toMatchObject({ name: 'by-id', errorCode: 0 });
    expect(ld.broker.listTopics().map((t) => t.name)).toEqual([]);
  });

  it('alters configs incrementally and refuses unsupported operations', async () => {
    const { ld, client } = await setup();
    await ld.broker.createTopic('cfg');
    const resource = (configs: Struct[]) => ({
      resources: [{ resourceType: 2, resourceName: 'cfg', configs }],
      validateOnly: false,
    });
    const set = await client.request(
      'IncrementalAlterConfigs',
      1,
      resource([{ name: 'retention.ms', configOperation: 0, value: '5000' }]),
    );
    expect(list(set.responses)[0].errorCode).toBe(0);
    expect(ld.broker.describeTopic('cfg').configs['retention.ms']).toBe(5000);
    const reset = await client.request(
      'IncrementalAlterConfigs',
      1,
      resource([{ name: 'retention.ms', configOperation: 1, value: null }]),
    );
    expect(list(reset.responses)[0].errorCode).toBe(0);
    expect(ld.broker.describeTopic('cfg').configs['retention.ms']).toBe(604800000);
    const append = await client.request(
      'IncrementalAlterConfigs',
      1,
      resource([{ name: 'cleanup.policy', configOperation: 2, value: 'compact' }]),
    );
    expect(list(append.responses)[0].errorCode).toBe(40);
    const described = await client.request('DescribeConfigs', 4, {
      resources: [{ resourceType: 2, resourceName: 'cfg', configurationKeys: ['retention.ms'] }],
      includeSynonyms: false,
      includeDocumentation: false,
    });
    expect(list(list(described.results)[0].configs)).toMatchObject([
      { name: 'retention.ms', value: '604800000', configSource: 5 },
    ]);
  });

  it('deletes records and lists offsets by time', async () => {
    const { ld, client } = await setup();
    await ld.broker.send(
      [0, 1, 2, 3].map((i) => ({
        topic: 'recs',
        partition: 0,
        value: Buffer.from(`r${i}`),
        timestamp: 1000 + i * 10,
      })),
    );
    const byTime = await client.request('ListOffsets', 8, {
      replicaId: -1,
      isolationLevel: 0,
      topics: [
        {
          name: 'recs',
          partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: 1015 }],
        },
      ],
    });
    expect(list(list(byTime.topics)[0].partitions)[0]).toMatchObject({ errorCode: 0, offset: 2 });
    const del = await client.request('DeleteRecords', 2, {
      topics: [{ name: 'recs', partitions: [{ partitionIndex: 0, offset: 2 }] }],
      timeoutMs: 1000,
    });
    expect(list(list(del.topics)[0].partitions)[0]).toMatchObject({
      errorCode: 0,
      lowWatermark: 2,
    });
    const earliest = await client.request('ListOffsets', 1, {
      replicaId: -1,
      topics: [{ name: 'recs', partitions: [{ partitionIndex: 0, timestamp: -2 }] }],
    });
    expect(list(list(earliest.topics)[0].partitions)[0]).toMatchObject({ offset: 2 });
  });

  it('lists offsets by time for batches produced with MaxTimestamp -1 (sarama 1.22)', async () => {
    const { ld, client } = await setup();
    await ld.broker.createTopic('unset', { partitions: 1 });
    for (const base of [1000, 2000]) {
      const records = encodeRecordBatch(
        [0, 1, 2].map((i) => ({ value: Buffer.from(`r${i}`), timestamp: base + i * 10 })),
        { maxTimestamp: -1 },
      );
      const res = await client.request('Produce', 7, {
        transactionalId: null,
        acks: 1,
        timeoutMs: 5000,
        topicData: [{ name: 'unset', partitionData: [{ index: 0, records }] }],
      });
      expect(list(list(res.responses)[0].partitionResponses)[0].errorCode).toBe(0);
    }
    const offsetAt = async (timestamp: number) => {
      const res = await client.request('ListOffsets', 8, {
        replicaId: -1,
        isolationLevel: 0,
        topics: [
          { name: 'unset', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp }] },
        ],
      });
      return list(list(res.topics)[0].partitions)[0].offset;
    };
    expect(await offsetAt(1015)).toBe(2);
    expect(await offsetAt(1500)).toBe(3);
    expect(await offsetAt(2020)).toBe(5);
    expect(await offsetAt(3000)).toBe(-1);
  });

  it('lists offsets by time from record timestamps in a segment stored before MaxTimestamp -1 was fixed', async () => {
    const first = await logdock.start();
    await first.broker.createTopic('legacy', { partitions: 1 });
    await first.stop();
    // Such a segment, its indexes gone: the restart rebuilds them from the log.
    const part = join(first.dir, 'legacy-0');
    await writeFile(join(part, segmentFileName(0, '.log')), unsetMaxTimestampSegment(10));
    for (const suffix of ['.index', '.timeindex'])
      await rm(join(part, segmentFileName(0, suffix)), { force: true });
    const ld = await logdock.start({}, first.dir);
    const client = await logdock.client(ld.port);
    const offsetAt = async (timestamp: number) => {
      const res = await client.request('ListOffsets', 8, {
        replicaId: -1,
        isolationLevel: 0,
        topics: [
          {
            name: 'legacy',
            partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp }],
          },
        ],
      });
      return list(list(res.topics)[0].partitions)[0];
    };
    // Batch i holds records at 1000 + 10i + 5, + 1, + 9.
    expect(await offsetAt(1006)).toMatchObject({ errorCode: 0, offset: 2, timestamp: 1009 });
    expect(await offsetAt(1076)).toMatchObject({ offset: 23, timestamp: 1079 });
    expect(await offsetAt(1099)).toMatchObject({ offset: 29, timestamp: 1099 });
    expect((await offsetAt(1100)).offset).toBe(-1);
  });

  it('answers each refused group request with its own Kafka error code', async () => {
    const { ld, client } = await setup();
    await ld.broker.createTopic('codes', { partitions: 1 });
    const commit = (committedOffset: number, committedMetadata: string) =>
      client.request('OffsetCommit', 2, {
        groupId: 'codes-group',
        generationIdOrMemberEpoch: -1,
        memberId: '',
        retentionTimeMs: -1,
        topics: [
          {
            name: 'codes',
            partitions: [{ partitionIndex: 0, committedOffset, committedMetadata }],
          },
        ],
      });
    const codeOf = (res: Struct) => list(list(res.topics)[0].partitions)[0].errorCode;
    expect(codeOf(await commit(2 ** 60, ''))).toBe(28); // INVALID_COMMIT_OFFSET_SIZE: not a safe integer
    expect(codeOf(await commit(-2, ''))).toBe(0); // Kafka stores any int64 (kafkajs' resetOffsets commits -2)
    expect(codeOf(await commit(1, 'm'.repeat(5000)))).toBe(12); // OFFSET_METADATA_TOO_LARGE
    expect(codeOf(await commit(1, 'ok'))).toBe(0);
    const join = (groupId: string, sessionTimeoutMs: number) =>
      client.request('JoinGroup', 5, {
        groupId,
        sessionTimeoutMs,
        rebalanceTimeoutMs: 1000,
        memberId: '',
        groupInstanceId: null,
        protocolType: 'consumer',
        protocols: [{ name: 'range', metadata: Buffer.alloc(0) }],
      });
    expect((await join('codes-group', 1)).errorCode).toBe(26); // INVALID_SESSION_TIMEOUT
    expect((await join('', 10_000)).errorCode).toBe(24); // INVALID_GROUP_ID
  });

  it('deletes committed offsets with OffsetDelete, except of topics an active member subscribes to', async () => {
    const { ld, client } = await setup();
    await ld.broker.createTopic('kept', { partitions: 2 });
    await ld.broker.createTopic('other', { partitions: 1 });
    const offsets = [
      { topic: 'kept', partition: 0, offset: 3 },
      { topic: 'kept', partition: 1, offset: 4 },
      { topic: 'other', partition: 0, offset: 5 },
    ];
    await ld.broker.groups.setOffsets('od-group', offsets);
    const del = (groupId: string, topics: [string, number[]][]) =>
      client.request('OffsetDelete', 0, {
        groupId,
        topics: topics.map(([name, ps]) => ({
          name,
          partitions: ps.map((partitionIndex) => ({ partitionIndex })),
        })),
      });
    const codes = (res: Struct) =>
      list(res.topics).flatMap((t) =>
        list(t.partitions).map((p) => [t.name, p.partitionIndex, p.errorCode]),
      );
    const res = await del('od-group', [
      ['kept', [0]],
      ['nowhere', [0]],
    ]);
    expect(res.errorCode).toBe(0);
    expect(codes(res)).toEqual([
      ['kept', 0, 0],
      ['nowhere', 0, 3],
    ]);
    expect([...ld.broker.committedOffsets('od-group')]).toEqual([
      ['kept:1', 4],
      ['other:0', 5],
    ]);
    expect((await del('no-such-group', [['kept', [1]]])).errorCode).toBe(69);
    // An active consumer of "kept": its offsets stay; another topic's go.
    const joined = client.request('JoinGroup', 3, {
      groupId: 'od-group',
      sessionTimeoutMs: 30_000,
      rebalanceTimeoutMs: 1000,
      memberId: '',
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: encodeSubscription({ topics: ['kept'] }) }],
    });
    await waitFor(() => ld.broker.describeGroup('od-group').members === 1, 'the member to join');
    const busy = await (
      await logdock.client(ld.port)
    ).request('OffsetDelete', 0, {
      groupId: 'od-group',
      topics: [
        { name: 'kept', partitions: [{ partitionIndex: 1 }] },
        { name: 'other', partitions: [{ partitionIndex: 0 }] },
      ],
    });
    expect(codes(busy)).toEqual([
      ['kept', 1, 86],
      ['other', 0, 0],
    ]);
    await joined;
    // The deletions are stored: a restart does not bring the offsets back.
    await ld.stop();
    const again = await logdock.start({}, ld.dir);
    expect([...again.broker.committedOffsets('od-group')]).toEqual([['kept:1', 4]]);
  });

  it('lists, describes and deletes groups, and describes the cluster', async () => {
    const { ld, client } = await setup();
    await ld.broker.send([{ topic: 'g', partition: 0, value: Buffer.from('x') }]);
    await client.request('OffsetCommit', 2, {
      groupId: 'admin-group',
      generationIdOrMemberEpoch: -1,
      memberId: '',
      retentionTimeMs: -1,
      topics: [
        {
          name: 'g',
          partitions: [{ partitionIndex: 0, committedOffset: 1, committedMetadata: 'm' }],
        },
      ],
    });
    const fetched = await client.request('OffsetFetch', 8, {
      groups: [{ groupId: 'admin-group', topics: null }],
      requireStable: false,
    });
    expect(list(list(list(fetched.groups)[0].topics)[0].partitions)[0]).toMatchObject({
      partitionIndex: 0,
      committedOffset: 1,
      metadata: 'm',
    });
    const listed = await client.request('ListGroups', 4, { statesFilter: [] });
    expect(list(listed.groups).map((g) => g.groupId)).toContain('admin-group');
    const described = await client.request('DescribeGroups', 5, {
      groups: ['admin-group', 'nobody'],
      includeAuthorizedOperations: false,
    });
    expect(list(described.groups).map((g) => [g.groupId, g.groupState])).toEqual([
      ['admin-group', 'Empty'],
      ['nobody', 'Dead'],
    ]);
    const deleted = await client.request('DeleteGroups', 2, {
      groupsNames: ['admin-group', 'nobody'],
    });
    expect(list(deleted.results).map((r) => r.errorCode)).toEqual([0, 69]);
    const cluster = await client.request('DescribeCluster', 1, {
      includeClusterAuthorizedOperations: false,
      endpointType: 1,
    });
    expect(list(cluster.brokers)).toEqual([
      { brokerId: 0, host: '127.0.0.1', port: ld.port, rack: null },
    ]);
  });
});
