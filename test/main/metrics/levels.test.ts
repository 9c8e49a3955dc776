import { describe, expect, it } from 'vitest';
import { normalizeLevel, recordLevel } from '../../../src/main/metrics/levels';

const rec = (value: string | null, headers: [string, string][] = []) => ({
  offset: 0,
  timestamp: 0,
  key: null,
  value: value === null ? null : Buffer.from(value),
  headers: headers.map(([key, v]) => ({ key, value: Buffer.from(v) })),
});

describe('log levels', () => {
  it('maps syslog, Java, Python and short spellings onto the seven buckets', () => {
    expect(normalizeLevel('WARNING')).toBe('warn');
    expect(normalizeLevel('err')).toBe('error');
    expect(normalizeLevel('SEVERE')).toBe('error');
    expect(normalizeLevel('crit')).toBe('fatal');
    expect(normalizeLevel('notice')).toBe('info');
    expect(normalizeLevel('FINEST')).toBe('trace');
    expect(normalizeLevel('bogus')).toBe('none');
    expect(normalizeLevel(null)).toBe('none');
  });

  it('reads pino numbers and syslog severities', () => {
    expect(normalizeLevel(50)).toBe('error');
    expect(normalizeLevel('30')).toBe('info');
    expect(normalizeLevel(3)).toBe('error');
    expect(normalizeLevel(7)).toBe('debug');
  });

  it('takes the level header of a collected line first', () => {
    expect(recordLevel(rec('{"level":"info"}', [['level', 'error']]))).toBe('error');
  });

  it('finds the level in a JSON value or a plain text line like the message browser', () => {
    expect(recordLevel(rec('{"msg":"x","severity":"warning"}'))).toBe('warn');
    expect(recordLevel(rec('2024-01-01 12:00:00 ERROR db down'))).toBe('error');
    expect(recordLevel(rec('just text'))).toBe('none');
    expect(recordLevel(rec(null))).toBe('none');
    expect(recordLevel(rec('{not json'))).toBe('none');
  });
});
