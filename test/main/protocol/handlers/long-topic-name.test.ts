import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Struct } from '../../../../src/main/protocol/codec/compile';
import { decodeRecordBatch, encodeRecordBatch } from '../../../../src/main/storage/record-batch';
import { type RawClient, useLogdock, waitFor } from '../helpers';

const logdock = useLogdock();
const list = (v: unknown) => v as Struct[];
/** Kafka's longest topic name: `<name>-<partition>` and its files still fit 255 bytes. */
const LONGEST = 'a'.repeat(240) + '.long_nam';

async function create(client: RawClient, name: string): Promise<Struct> {
  const res = await client.request('CreateTopics', 7, {
    topics: [{ name, numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }],
    timeoutMs: 1000,
    validateOnly: false,
  });
  return list(res.topics)[0];
}

async function produce(client: RawClient, name: string, partition: number, value: string) {
  const res = await client.request('Produce', 9, {
    transactionalId: null,
    acks: -1,
    timeoutMs: 5000,
    topicData: [
      {
        name,
        partitionData: [
          { index: partition, records: encodeRecordBatch([{ value: Buffer.from(value) }]) },
        ],
      },
    ],
  });
  return list(list(res.responses)[0].partitionResponses)[0];
}

async function fetchValues(client: RawClient, name: string, partition: number): Promise<string[]> {
  const res = await client.request('Fetch', 12, {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 1 << 20,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        topic: name,
        partitions: [
          {
            partition,
            currentLeaderEpoch: -1,
            fetchOffset: 0,
            logStartOffset: -1,
            partitionMaxBytes: 1 << 20,
          },
        ],
      },
    ],
    forgottenTopicsData: [],
    rackId: '',
  });
  const part = list(list(res.responses)[0].partitions)[0];
  expect(part.errorCode).toBe(0);
  return decodeRecordBatch(part.records as Buffer).records.map((r) => r.value!.toString());
}

describe('topic names at Kafka’s length limit', () => {
  it('creates, produces to, fetches, restarts with and deletes a 249-character topic; refuses 250', async () => {
    expect(LONGEST.length).toBe(249);
    const ld = await logdock.start();
    let client = await logdock.client(ld.port);
    expect(await create(client, LONGEST)).toMatchObject({ errorCode: 0, numPartitions: 2 });
    expect(await produce(client, LONGEST, 1, 'at the limit')).toMatchObject({
      errorCode: 0,
      baseOffset: 0,
    });
    expect(await fetchValues(client, LONGEST, 1)).toEqual(['at the limit']);
    expect(existsSync(join(ld.dir, `${LONGEST}-1`))).toBe(true);

    const tooLong = await create(client, LONGEST + 'x');
    expect(tooLong.errorCode).toBe(17); // INVALID_TOPIC_EXCEPTION
    expect(tooLong.errorMessage).toContain('250 characters');

    // Its files are found again after a restart.
    await ld.stop();
    const again = await logdock.start({}, ld.dir);
    client = await logdock.client(again.port);
    expect(await fetchValues(client, LONGEST, 1)).toEqual(['at the limit']);

    const deleted = await client.request('DeleteTopics', 6, {
      topics: [{ name: LONGEST, topicId: Buffer.alloc(16) }],
      timeoutMs: 1000,
    });
    expect(list(deleted.responses)[0].errorCode).toBe(0);
    // Nothing named after it is left in the data directory (no renamed leftover either).
    await waitFor(
      async () => !(await readdir(again.dir)).some((f) => f.startsWith(LONGEST)),
      'the deleted topic’s partition directories to go',
    );
  });
});
