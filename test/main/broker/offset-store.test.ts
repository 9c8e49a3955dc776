import { describe, expect, it } from 'vitest';
import { OffsetStore, type StoredOffset } from '../../../src/main/broker/offset-store';
import { decodeOffsetCommitValue, decodeOffsetsKey } from '../../../src/main/broker/offsets-codec';

/** A `__consumer_offsets` stand-in: the records the store wrote, in order; can refuse writes. */
function offsetsLog() {
  const records: { key: Buffer; value: Buffer | null }[] = [];
  let failing = false;
  return {
    records,
    fail(on: boolean) {
      failing = on;
    },
    persist: async (_group: string, batch: { key: Buffer; value: Buffer | null }[]) => {
      if (failing) throw new Error('disk full');
      records.push(...batch);
    },
  };
}

const at = (topic: string, partition: number, offset: number): StoredOffset => ({
  topic,
  partition,
  offset,
  leaderEpoch: -1,
  metadata: '',
  commitTimestamp: 1000,
});

/** A new store rebuilt from what `log` holds, as the broker does at start. */
function replay(records: { key: Buffer; value: Buffer | null }[]): OffsetStore {
  const store = new OffsetStore(async () => {});
  for (const r of records) {
    const k = decodeOffsetsKey(r.key);
    if (k.type !== 'offset') continue;
    const ref = { topic: k.topic, partition: k.partition };
    store.load(
      k.group,
      r.value === null ? null : { ...ref, ...decodeOffsetCommitValue(r.value) },
      ref,
    );
  }
  return store;
}

describe('OffsetStore', () => {
  it('writes commits before showing them, and a restart replays them with their deletions', async () => {
    const log = offsetsLog();
    const store = new OffsetStore(log.persist);
    await store.commit('g', [at('a', 0, 5), at('a', 1, 6), at('b', 0, 7)]);
    await store.commit('g', [at('a', 0, 9)]);
    await store.delete('g', [
      { topic: 'a', partition: 1 },
      { topic: 'zz', partition: 0 },
    ]);
    await store.deleteTopic('b');
    expect(store.list('g').map((o) => [o.topic, o.partition, o.offset])).toEqual([['a', 0, 9]]);
    const again = replay(log.records);
    expect(again.list('g').map((o) => [o.topic, o.partition, o.offset])).toEqual([['a', 0, 9]]);
  });

  it('changes nothing in memory when the write fails', async () => {
    const log = offsetsLog();
    const store = new OffsetStore(log.persist);
    await store.commit('g', [at('a', 0, 5)]);
    log.fail(true);
    await expect(store.commit('g', [at('a', 0, 8)])).rejects.toThrow('disk full');
    await expect(store.delete('g', [{ topic: 'a', partition: 0 }])).rejects.toThrow('disk full');
    expect(store.get('g', 'a', 0)?.offset).toBe(5);
  });

  it("gives tombstones for all of a group's offsets and forgets them once written", async () => {
    const log = offsetsLog();
    const store = new OffsetStore(log.persist);
    await store.commit('g', [at('a', 0, 1), at('b', 2, 3)]);
    const tombstones = store.tombstonesOf('g');
    expect(tombstones.map((t) => [decodeOffsetsKey(t.key), t.value])).toEqual([
      [{ type: 'offset', group: 'g', topic: 'a', partition: 0 }, null],
      [{ type: 'offset', group: 'g', topic: 'b', partition: 2 }, null],
    ]);
    store.forget('g');
    expect(store.list('g')).toEqual([]);
  });
});
