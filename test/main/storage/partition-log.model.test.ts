import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { join } from 'node:path';
import { type CompressionCodec, PartitionLog, iterateBatches } from '../../../src/main/storage';
import { makeTempDir, removeDir, smallConfig } from './helpers';

let root: string;
beforeEach(async () => {
  root = await makeTempDir();
});
afterEach(async () => {
  await removeDir(root);
});

type Op =
  | { kind: 'append'; values: string[]; compression: CompressionCodec }
  | { kind: 'read'; at: number; maxBytes: number }
  | { kind: 'reopen'; clean: boolean };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('append' as const),
      values: fc.array(fc.string({ maxLength: 300 }), { minLength: 1, maxLength: 8 }),
      compression: fc.constantFrom<CompressionCodec>('none', 'gzip', 'snappy', 'lz4', 'zstd'),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('read' as const),
      at: fc.nat(),
      maxBytes: fc.integer({ min: 1, max: 3000 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('reopen' as const), clean: fc.boolean() }),
  },
);

describe('PartitionLog against a model', () => {
  it('returns what an array of records would for any sequence of appends, reads and reopens', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 40 }), async (ops) => {
        const dir = join(root, `m-${run++}`);
        const config = smallConfig({ segmentBytes: 1500, indexIntervalBytes: 100 });
        let log = await PartitionLog.open(dir, config);
        const model: string[] = [];
        try {
          for (const op of ops) {
            if (op.kind === 'append') {
              const res = await log.appendRecords(
                op.values.map((v) => ({ value: Buffer.from(v) })),
                { compression: op.compression },
              );
              expect(res.baseOffset).toBe(model.length);
              model.push(...op.values);
              expect(log.logEndOffset).toBe(model.length);
            } else if (op.kind === 'read') {
              if (model.length === 0) continue;
              const at = op.at % model.length;
              const { records } = await log.read(at, op.maxBytes);
              const batches = [...iterateBatches(records)];
              expect(batches.length).toBeGreaterThan(0);
              const first = batches[0].header;
              expect(first.baseOffset).toBeLessThanOrEqual(at);
              expect(first.baseOffset + first.lastOffsetDelta).toBeGreaterThanOrEqual(at);
              const recs = await log.readRecords(at, { maxRecords: 5 });
              expect(recs.map((r) => r.value!.toString())).toEqual(model.slice(at, at + 5));
            } else {
              if (op.clean) await log.close();
              // An unclean "reopen" abandons the handle as a crash would (data is written).
              log = await PartitionLog.open(dir, config);
              expect(log.logEndOffset).toBe(model.length);
              expect(log.recovery.truncatedBytes).toBe(0);
            }
          }
        } finally {
          await log.close();
        }
      }),
      { numRuns: 30 },
    );
  });
});
