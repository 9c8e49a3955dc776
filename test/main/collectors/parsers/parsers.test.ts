import { describe, expect, it } from 'vitest';
import { parserSchema } from '../../../../src/common/collectors/config';
import { createParser, parseTimestamp } from '../../../../src/main/collectors/parsers';

const parser = (config: unknown, tz = 'UTC') => createParser(parserSchema.parse(config), tz)!;

describe('parsers', () => {
  it('reads timestamp, level and message fields from JSON lines and keeps the rest as fields', () => {
    const p = parser({ type: 'json' });
    expect(
      p(
        '{"time":"2024-03-01T10:00:00.250+01:00","level":"warn","msg":"disk low","free":12,"tags":["a"]}',
      ),
    ).toEqual({
      timestamp: Date.UTC(2024, 2, 1, 9, 0, 0, 250),
      level: 'warn',
      message: 'disk low',
      fields: { free: '12', tags: '["a"]' },
    });
  });

  it('reports a JSON line that is not an object as a parse error', () => {
    const p = parser({ type: 'json' });
    expect(p('[1,2]').error).toMatch(/not an object/);
    expect(p('{oops').error).toMatch(/invalid JSON/);
  });

  it('parses logfmt with quoted values and escapes', () => {
    const p = parser({ type: 'logfmt' });
    expect(p('time=1700000000 level=error msg="can\'t \\"open\\"" path=/x ok')).toEqual({
      timestamp: 1_700_000_000_000,
      level: 'error',
      message: 'can\'t "open"',
      fields: { path: '/x', ok: 'true' },
    });
    expect(p('just words').error).toMatch(/no key=value/);
    expect(p('a="open').error).toMatch(/unclosed quote/);
  });

  it('takes named groups from a regex, with the special timestamp, level and message groups', () => {
    const p = parser({
      type: 'regex',
      pattern: '^(?<timestamp>\\S+) \\[(?<level>\\w+)\\] (?<thread>\\w+): (?<message>.*)$',
    });
    expect(p('2024-05-05T05:05:05Z [INFO] main: started')).toEqual({
      timestamp: Date.UTC(2024, 4, 5, 5, 5, 5),
      level: 'INFO',
      message: 'started',
      fields: { thread: 'main' },
    });
    expect(p('garbage').error).toMatch(/does not match/);
  });

  it('parses the nginx combined format with its zone and derives the level from the status', () => {
    const p = parser({ type: 'preset', preset: 'nginx' });
    const r = p(
      '127.0.0.1 - bob [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 503 2326 "http://x/" "curl/8"',
    );
    expect(r.timestamp).toBe(Date.UTC(2000, 9, 10, 20, 55, 36));
    expect(r.level).toBe('error');
    expect(r.fields).toMatchObject({
      client: '127.0.0.1',
      user: 'bob',
      request: 'GET /a.gif HTTP/1.0',
      status: '503',
      agent: 'curl/8',
    });
  });

  it('parses RFC 5424 and RFC 3164 syslog lines', () => {
    const p5 = parser({ type: 'preset', preset: 'syslog-rfc5424' });
    const r5 = p5(
      '<165>1 2003-10-11T22:14:15.003Z host1 evntslog 42 ID47 [exampleSDID@32473 iut="3"] An application event',
    );
    expect(r5).toMatchObject({
      timestamp: Date.UTC(2003, 9, 11, 22, 14, 15, 3),
      level: 'notice',
      message: 'An application event',
      fields: { facility: '20', host: 'host1', app: 'evntslog', procid: '42', msgid: 'ID47' },
    });
    const p3 = parser({ type: 'preset', preset: 'syslog-rfc3164' }, '+02:00');
    const r3 = p3('Oct 11 22:14:15 mymachine su[99]: su root failed');
    expect(r3.message).toBe('su root failed');
    expect(r3.fields).toEqual({ host: 'mymachine', app: 'su', procid: '99' });
    expect(new Date(r3.timestamp!).getUTCHours()).toBe(20);
  });

  it('accepts RFC 3164 messages whose TAG has no colon, or which have no hostname, as rsyslog does', () => {
    const p3 = parser({ type: 'preset', preset: 'syslog-rfc3164' });
    // logger and busybox write these; rsyslog takes the first word as the TAG.
    expect(p3('<13>Dec  7 10:00:00 myhost some text without a tag')).toMatchObject({
      level: 'notice',
      message: 'some text without a tag',
      fields: { host: 'myhost', app: 'some' },
    });
    expect(p3('<13>Dec  7 10:00:00 myhost app[123] text')).toMatchObject({
      message: 'app[123] text',
      fields: { host: 'myhost', app: 'app', procid: '123' },
    });
    // No hostname: the word after the timestamp ends in a colon, which no hostname does.
    expect(p3('<13>Dec  7 10:00:00 app[12]: error: disk full')).toMatchObject({
      message: 'error: disk full',
      fields: { app: 'app', procid: '12' },
    });
    expect(p3('<13>Dec  7 10:00:00 app[12]: x').fields).not.toHaveProperty('host');
    // The usual shape is unchanged.
    expect(p3('<13>Dec  7 10:00:00 myhost sshd[7]: Accepted key')).toMatchObject({
      message: 'Accepted key',
      fields: { host: 'myhost', app: 'sshd', procid: '7' },
    });
    expect(p3('<13>Dec  7 10:00:00 myhost')).toMatchObject({
      message: '',
      fields: { host: 'myhost' },
    });
    expect(p3('<13>Dec  7 10:00:00').error).toMatch(/not an RFC 3164/);
  });

  it('unwraps Docker json-file lines', () => {
    const p = parser({ type: 'preset', preset: 'docker' });
    expect(
      p('{"log":"hello\\n","stream":"stderr","time":"2019-01-01T00:00:00.123456789Z"}'),
    ).toEqual({
      message: 'hello',
      timestamp: Date.UTC(2019, 0, 1, 0, 0, 0, 123),
      fields: { stream: 'stderr' },
    });
  });
});

describe('parseTimestamp', () => {
  it('reads zone-less times in the configured zone, including IANA zones across daylight saving', () => {
    expect(parseTimestamp('2024-01-15 12:00:00', 'Europe/Paris')).toBe(Date.UTC(2024, 0, 15, 11));
    expect(parseTimestamp('2024-07-15 12:00:00', 'Europe/Paris')).toBe(Date.UTC(2024, 6, 15, 10));
    expect(parseTimestamp('2024-07-15T12:00:00', '-05:00')).toBe(Date.UTC(2024, 6, 15, 17));
    expect(parseTimestamp('2024-07-15T12:00:00', 'UTC')).toBe(Date.UTC(2024, 6, 15, 12));
  });

  it('tells epoch seconds, milliseconds and microseconds apart', () => {
    expect(parseTimestamp(1_700_000_000, 'UTC')).toBe(1_700_000_000_000);
    expect(parseTimestamp('1700000000123', 'UTC')).toBe(1_700_000_000_123);
    expect(parseTimestamp(1_700_000_000_123_456, 'UTC')).toBe(1_700_000_000_123);
  });

  it('puts a year-less date that would be in the future into last year', () => {
    const now = Date.UTC(2025, 0, 2);
    expect(parseTimestamp('Dec 31 23:00:00', 'UTC', now)).toBe(Date.UTC(2024, 11, 31, 23));
  });

  it('returns undefined for text that is no time', () => {
    expect(parseTimestamp('yesterday-ish', 'UTC')).toBeUndefined();
  });
});
