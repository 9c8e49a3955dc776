import { describe, expect, it } from 'vitest';
import { encodeRecordBatch, type PartitionLog } from '../../../src/main/storage';
import { smallConfig, usePartitionDir, value } from './helpers';

const fx = usePartitionDir();

/** Every read of offsets 0..end with a few byte limits, as hex (whole batches as stored). */
async function allReads(log: PartitionLog): Promise<string[]> {
  const out: string[] = [];
  for (let offset = 0; offset <= log.logEndOffset; offset++)
    for (const maxBytes of [1, 150, 10_000])
      out.push((await log.read(offset, maxBytes)).records.toString('hex'));
  return out;
}

describe('reads at the end of the log (the last append kept in memory)', () => {
  for (const messageTimestampType of ['CreateTime', 'LogAppendTime'] as const) {
    it(`give the bytes a read of the files gives, batch by batch (${messageTimestampType})`, async () => {
      const config = smallConfig({ segmentBytes: 1 << 20, messageTimestampType });
      const log = await fx.openLog(config, { clock: () => 1_700_000_000_000 });
      await log.appendRecords([{ value: value(0) }, { value: value(1) }]);
      // One append of three batches: reads from each offset in it start at its batch.
      const three = [2, 4, 7].map((n) =>
        encodeRecordBatch(
          Array.from({ length: 3 }, (_, i) => ({ value: value(n + i), timestamp: 1000 + i })),
        ),
      );
      await log.append(Buffer.concat(three));
      const fromMemory = await allReads(log);
      await log.close();
      const reopened = await fx.openLog(config);
      expect(await allReads(reopened)).toEqual(fromMemory);
      expect(fromMemory[0]).not.toBe('');
    });
  }
});
