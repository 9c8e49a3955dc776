import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoAtStart } from '../../../../src/main/collectors/parsers/iso-start';
import {
  timeAtLineStart,
  timeAtLineStartByPattern,
} from '../../../../src/main/collectors/parsers/line-time';

const NOW = Date.UTC(2026, 11, 7, 12, 0, 0);
const ZONES = ['UTC', 'local', '+05:30', '-0800', 'Europe/Paris', 'America/New_York'];

const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
/** Lines that start like timestamps, in the forms tailing meets and near misses of them. */
const timestampLine = fc
  .tuple(
    fc.constantFrom('', '['),
    fc.integer({ min: 1985, max: 2027 }).map(String),
    two(13),
    two(32),
    fc.constantFrom('T', ' ', 'x'),
    two(24),
    two(60),
    two(60),
    fc.constantFrom('', '.', ',', '.1', ',45', '.571', '.123456789', '.1234567891'),
    fc.constantFrom('', 'Z', 'z', '+02:00', '-0700', '+05', ' +0100', ' UTC', ' Z', 'UTC', '+1'),
    fc.constantFrom('', ' INFO x', ']', '] x', ',rest', ';', '|', 'x', '\tTAB', '5'),
  )
  .map(([open, y, mo, d, sep, h, mi, s, frac, zone, rest]) =>
    Buffer.from(`${open}${y}-${mo}-${d}${sep}${h}:${mi}:${s}${frac}${zone}${rest}`),
  );

describe('ISO timestamps read from the bytes at the start of a line', () => {
  it('agrees with the regular expressions on every line, in every kind of zone', () => {
    fc.assert(
      fc.property(timestampLine, fc.constantFrom(...ZONES), (line, zone) => {
        expect(timeAtLineStart(line, zone, NOW)).toBe(timeAtLineStartByPattern(line, zone, NOW));
      }),
      { numRuns: 3000 },
    );
  });

  it('reads milliseconds exactly, also where floating point would not (.571)', () => {
    expect(isoAtStart(Buffer.from('2026-12-07T01:02:03.571Z x'))).toEqual({
      wallMs: Date.UTC(2026, 11, 7, 1, 2, 3, 571),
      zoneMinutes: 0,
    });
    expect(isoAtStart(Buffer.from('2026-12-07 01:02:03,5 x'))?.wallMs).toBe(
      Date.UTC(2026, 11, 7, 1, 2, 3, 500),
    );
  });

  it('computes the wall-clock time as Date.UTC does, carrying a day, hour or second past its range', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1900, max: 9999 }),
        fc.integer({ min: 0, max: 99 }),
        fc.integer({ min: 0, max: 99 }),
        fc.integer({ min: 0, max: 99 }),
        fc.integer({ min: 0, max: 99 }),
        fc.integer({ min: 0, max: 99 }),
        fc.integer({ min: 0, max: 999 }),
        (y, mo, d, h, mi, s, ms) => {
          const p = (n: number, w = 2) => String(n).padStart(w, '0');
          const line = `${y}-${p(mo)}-${p(d)}T${p(h)}:${p(mi)}:${p(s)}.${p(ms, 3)}Z x`;
          expect(isoAtStart(Buffer.from(line))?.wallMs, line).toBe(
            Date.UTC(y, mo - 1, d, h, mi, s, ms),
          );
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('reads each line its own date when lines in a row repeat a date, change it and come back to it', () => {
    const dates = [
      '2026-12-07',
      '2026-12-07',
      '2026-12-08',
      '2026-02-30',
      '2026-12-07',
      '1999-01-01',
    ];
    for (const date of dates) {
      const line = `${date}T23:59:58.5Z x`;
      const [y, m, d] = date.split('-').map(Number);
      expect(isoAtStart(Buffer.from(line))?.wallMs, line).toBe(
        Date.UTC(y, m - 1, d, 23, 59, 58, 500),
      );
    }
  });

  it('leaves what it does not read for certain to the patterns: a zone after a space, UTC, other forms', () => {
    for (const line of [
      '2026-12-07 01:02:03 +0100 x',
      '2026-12-07 01:02:03 UTC x',
      '2026-12-07T01:02:03UTC',
      '2026-12-07T01:02 short',
      '07/Dec/2026:01:02:03 +0000',
      '2026-12-07T01:02:03.456Zx',
    ]) {
      expect(isoAtStart(Buffer.from(line)), line).toBeUndefined();
    }
  });

  it('converts zone-less times across a daylight-saving change in the source zone, in any order', () => {
    const paris = (line: string) => timeAtLineStart(Buffer.from(line), 'Europe/Paris', NOW);
    // 2026-03-29: 02:00 CET becomes 03:00 CEST; 2026-10-25: 03:00 CEST becomes 02:00 CET.
    const lines = [
      ['2026-03-29 01:59:59 a', Date.UTC(2026, 2, 29, 0, 59, 59)],
      ['2026-03-29 03:00:00 b', Date.UTC(2026, 2, 29, 1, 0, 0)],
      ['2026-03-29 03:30:00 c', Date.UTC(2026, 2, 29, 1, 30, 0)],
      ['2026-03-28 12:00:00 d', Date.UTC(2026, 2, 28, 11, 0, 0)],
      ['2026-10-25 01:30:00 e', Date.UTC(2026, 9, 24, 23, 30, 0)],
      ['2026-10-25 03:30:00 f', Date.UTC(2026, 9, 25, 2, 30, 0)],
      ['2026-07-01 12:00:00 g', Date.UTC(2026, 6, 1, 10, 0, 0)],
    ] as const;
    for (const order of [lines, [...lines].reverse()]) {
      for (const [line, expected] of order) expect(paris(line), line).toBe(expected);
    }
  });
});
