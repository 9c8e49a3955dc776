import { describe, expect, it } from 'vitest';
import { retentionPlan } from '../../../src/main/metrics/retention';
import type { SegmentInfo } from '../../../src/main/storage/api';

const HOUR = 3_600_000;
const now = 100 * HOUR;
const seg = (
  baseOffset: number,
  sizeBytes: number,
  ageHours: number | null,
  active = false,
): SegmentInfo => ({
  baseOffset,
  nextOffset: baseOffset + 10,
  sizeBytes,
  firstTimestamp: ageHours === null ? null : now - ageHours * HOUR - 1,
  maxTimestamp: ageHours === null ? null : now - ageHours * HOUR,
  active,
});
const configs = (
  ms: number,
  bytes: number,
  policy: 'delete' | 'compact' | 'compact,delete' = 'delete',
) => ({
  'retention.ms': ms,
  'retention.bytes': bytes,
  'cleanup.policy': policy,
});

describe('retentionPlan', () => {
  const segments = [seg(0, 100, 50), seg(10, 100, 30), seg(20, 100, 10), seg(30, 50, 0, true)];

  it('marks the leading segments older than retention.ms', () => {
    expect(retentionPlan(segments, configs(24 * HOUR, -1), now)).toEqual([
      'time',
      'time',
      null,
      null,
    ]);
  });

  it('stops at the first young segment even if an older one follows', () => {
    const mixed = [seg(0, 100, 50), seg(10, 100, 1), seg(20, 100, 40), seg(30, 10, 0, true)];
    expect(retentionPlan(mixed, configs(24 * HOUR, -1), now)).toEqual(['time', null, null, null]);
  });

  it('deletes the oldest segments while the partition stays above retention.bytes', () => {
    // 350 bytes, limit 150: dropping two leaves 150 (still >= the limit), a third would leave 50.
    expect(retentionPlan(segments, configs(-1, 150), now)).toEqual(['size', 'size', null, null]);
    expect(retentionPlan(segments, configs(-1, 250), now)).toEqual(['size', null, null, null]);
  });

  it('applies time first, then size to what is left', () => {
    expect(retentionPlan(segments, configs(40 * HOUR, 50), now)).toEqual([
      'time',
      'size',
      'size',
      null,
    ]);
  });

  it('never deletes the active segment', () => {
    expect(retentionPlan([seg(0, 500, 99, true)], configs(HOUR, 0), now)).toEqual([null]);
  });

  it('deletes nothing under a compact-only policy or with unlimited retention', () => {
    expect(retentionPlan(segments, configs(HOUR, 0, 'compact'), now)).toEqual([
      null,
      null,
      null,
      null,
    ]);
    expect(retentionPlan(segments, configs(-1, -1), now)).toEqual([null, null, null, null]);
    expect(retentionPlan(segments, configs(HOUR, -1, 'compact,delete'), now)).toEqual([
      'time',
      'time',
      'time',
      null,
    ]);
  });

  it('keeps an empty segment with no timestamp from time retention', () => {
    expect(retentionPlan([seg(0, 0, null), seg(0, 10, 0, true)], configs(0, -1), now)).toEqual([
      null,
      null,
    ]);
  });
});
