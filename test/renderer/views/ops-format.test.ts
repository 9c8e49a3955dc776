import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatDuration,
  formatRate,
  parseBytes,
  parseDuration,
} from '../../../src/renderer/src/views/ops-common/format';

describe('human units in the operations views', () => {
  it('formats durations with at most two units', () => {
    expect(formatDuration(7 * 86_400_000)).toBe('7d');
    expect(formatDuration(90_000_000)).toBe('1d 1h');
    expect(formatDuration(90_500)).toBe('1m 30s');
    expect(formatDuration(-1)).toBe('forever');
    expect(formatDuration(0)).toBe('0s');
  });

  it('parses the durations a person types, and refuses the rest', () => {
    expect(parseDuration('7d')).toBe(7 * 86_400_000);
    expect(parseDuration('12h 30m')).toBe(12.5 * 3_600_000);
    expect(parseDuration(' 1.5h ')).toBe(5_400_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('60000')).toBe(60_000);
    expect(parseDuration('forever')).toBe(-1);
    expect(parseDuration('2 hours')).toBeNull();
    expect(parseDuration('7x')).toBeNull();
    expect(parseDuration('')).toBeNull();
  });

  it('round-trips what it formats', () => {
    for (const ms of [1000, 60_000, 3_600_000, 86_400_000, 93_600_000, -1]) {
      expect(parseDuration(formatDuration(ms))).toBe(ms);
    }
  });

  it('formats and parses sizes in binary units', () => {
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(1024 ** 3)).toBe('1.0 GiB');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(-1)).toBe('unlimited');
    expect(parseBytes('1GiB')).toBe(1024 ** 3);
    expect(parseBytes('500 MB')).toBe(500 * 1024 ** 2);
    expect(parseBytes('10k')).toBe(10_240);
    expect(parseBytes('unlimited')).toBe(-1);
    expect(parseBytes('lots')).toBeNull();
  });

  it('rounds rates for display', () => {
    expect(formatRate(0.25)).toBe('0.25');
    expect(formatRate(12.34)).toBe('12.3');
    expect(formatRate(1234.5)).toBe('1235');
  });
});
