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

describe('reads at the end of the log (the last small appends kept in memory)', () => {
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

  for (const segmentBytes of [8192, 1 << 20]) {
    it(`give the bytes of the files for the last appends too, across a large one and rolls (segments of ${segmentBytes} bytes)`, async () => {
      const config = smallConfig({ segmentBytes, indexIntervalBytes: 128 });
      const log = await fx.openLog(config, { clock: () => 1_700_000_000_000 });
      let n = 0;
      // Small appends of one to three batches, a large one (kept in no memory) among them.
      for (let i = 0; i < 40; i++) {
        const size = i === 17 ? 5000 : 20 + ((i * 37) % 300);
        const batches = Array.from({ length: 1 + (i % 3) }, () =>
          encodeRecordBatch([{ value: Buffer.alloc(size, 97 + (n % 26)), timestamp: n++ }]),
        );
        await log.append(Buffer.concat(batches));
      }
      const fromMemory = await allReads(log);
      await log.close();
      fx.open.length = 0;
      const reopened = await fx.openLog(config);
      expect(await allReads(reopened)).toEqual(fromMemory);
    });
  }
});
