import { describe, expect, it } from 'vitest';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openBroker } from '../../../src/main/broker';
import { iterateBatches } from '../../../src/main/storage';
import { useBrokerDir } from './helpers';

const fx = useBrokerDir();

describe('a corrupt batch in __consumer_offsets', () => {
  it('costs the commits it held, not the start: the broker opens and keeps the later commits', async () => {
    const first = await openBroker({ dataDir: fx.dir, scrub: false });
    await first.createTopic('t', { partitions: 1 });
    for (const [group, offset] of [
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ] as const)
      await first.groups.setOffsets(group, [{ topic: 't', partition: 0, offset }]);
    await first.close();
    const dir = join(fx.dir, '__consumer_offsets-0');
    const file = join(
      dir,
      (await readdir(dir)).find((n) => n.endsWith('.log'))!,
    );
    const bytes = await readFile(file);
    const batches = [...iterateBatches(bytes)];
    expect(batches.length).toBeGreaterThanOrEqual(3);
    const second = batches[batches.length - 2]; // group b's commit
    bytes[second.position + second.size - 2] ^= 0xff;
    await writeFile(file, bytes);

    fx.broker = await openBroker({ dataDir: fx.dir, scrub: false });
    const committed = (g: string) => fx.broker!.committedOffsets(g).get('t:0');
    expect([committed('a'), committed('b'), committed('c')]).toEqual([1, undefined, 3]);
    expect(fx.broker.storageHealth().corrupt).toHaveLength(1);
  });
});
