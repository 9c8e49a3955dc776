import { describe, expect, it } from 'vitest';
import { parserSchema } from '../../../../src/common/collectors/config';
import { createParser } from '../../../../src/main/collectors/parsers';
import { sensibleTime, timeAtLineStart } from '../../../../src/main/collectors/parsers/line-time';

const NOW = Date.UTC(2026, 11, 7, 12, 0, 0);
const at = (line: string, tz = 'UTC') => timeAtLineStart(Buffer.from(line), tz, NOW);

describe('event time at the start of a line', () => {
  it('reads RFC 3339, log4j/Python, syslog and Apache/nginx timestamps at the start of a line', () => {
    expect(at('2026-12-07T01:02:03.456Z INFO started')).toBe(Date.UTC(2026, 11, 7, 1, 2, 3, 456));
    expect(at('2026-12-07T01:02:03+02:00 x')).toBe(Date.UTC(2026, 11, 6, 23, 2, 3));
    expect(at('2026-12-07 01:02:03,456 ERROR [main] boom')).toBe(
      Date.UTC(2026, 11, 7, 1, 2, 3, 456),
    );
    expect(at('[2026-12-07 01:02:03] worker.INFO: x')).toBe(Date.UTC(2026, 11, 7, 1, 2, 3));
    expect(at('Dec  7 01:02:03 host sshd[1]: Accepted')).toBe(Date.UTC(2026, 11, 7, 1, 2, 3));
    expect(at('[07/Dec/2026:01:02:03 +0100] GET /')).toBe(Date.UTC(2026, 11, 7, 0, 2, 3));
    expect(at('127.0.0.1 - frank [07/Dec/2026:01:02:03 +0000] "GET / HTTP/1.1" 200 2')).toBe(
      Date.UTC(2026, 11, 7, 1, 2, 3),
    );
  });

  it('reads a timestamp without a zone in the source’s zone', () => {
    expect(at('2026-12-07 01:02:03 x', '+01:00')).toBe(Date.UTC(2026, 11, 7, 0, 2, 3));
    expect(at('2026-07-01 12:00:00 x', 'Europe/Paris')).toBe(Date.UTC(2026, 6, 1, 10, 0, 0));
  });

  it('finds no time in lines that do not start with one', () => {
    expect(at('hello 2026-12-07T01:02:03Z')).toBeUndefined();
    expect(at('12345 apples')).toBeUndefined();
    expect(at('2026-12-07 is a date without a time')).toBeUndefined();
    expect(at('Decision 7 01:02:03')).toBeUndefined();
    expect(at('')).toBeUndefined();
    expect(at('2026-13-45T99:99:99Z bad')).toBeUndefined();
  });

  it('refuses absurd times: more than a day ahead of the ingestion time, or before 1990', () => {
    expect(at('2027-12-07T01:02:03Z far future')).toBeUndefined();
    expect(at('2026-12-08T11:00:00Z a bit ahead')).toBe(Date.UTC(2026, 11, 8, 11));
    expect(at('1970-01-01T00:00:05Z epoch')).toBeUndefined();
    expect(sensibleTime(NaN, NOW)).toBeUndefined();
    expect(sensibleTime(NOW + 25 * 3600_000, NOW)).toBeUndefined();
  });
});

describe('event time in parsed fields', () => {
  const parser = (config: unknown) => createParser(parserSchema.parse(config), 'UTC')!;

  it('takes JSON time, ts, @timestamp or timestamp, epoch seconds and milliseconds included', () => {
    const p = parser({ type: 'json' });
    expect(p('{"ts":1796605323,"msg":"s"}').timestamp).toBe(1796605323000);
    expect(p('{"ts":1796605323456,"msg":"ms"}').timestamp).toBe(1796605323456);
    expect(p('{"@timestamp":"2026-12-07T01:02:03Z","msg":"x"}').timestamp).toBe(
      Date.UTC(2026, 11, 7, 1, 2, 3),
    );
    expect(p('{"timestamp":"2026-12-07T01:02:03Z"}').timestamp).toBe(
      Date.UTC(2026, 11, 7, 1, 2, 3),
    );
    // `time` comes first; the others stay fields.
    const both = p('{"ts":"2020-01-01T00:00:00Z","time":"2026-12-07T01:02:03Z"}');
    expect(both.timestamp).toBe(Date.UTC(2026, 11, 7, 1, 2, 3));
    expect(both.fields).toEqual({ ts: '2020-01-01T00:00:00Z' });
  });

  it('takes logfmt ts or time, and only the named field when one is configured', () => {
    expect(parser({ type: 'logfmt' })('ts=2026-12-07T01:02:03Z msg=x').timestamp).toBe(
      Date.UTC(2026, 11, 7, 1, 2, 3),
    );
    const named = parser({ type: 'logfmt', timestampField: 'at' });
    expect(named('ts=2026-12-07T01:02:03Z msg=x').timestamp).toBeUndefined();
    expect(named('at=2026-12-07T01:02:03Z msg=x').timestamp).toBe(Date.UTC(2026, 11, 7, 1, 2, 3));
  });
});
