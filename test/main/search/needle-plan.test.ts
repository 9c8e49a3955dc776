import { describe, expect, it } from 'vitest';
import { findAll, planNeedle } from '../../../src/main/search/needle-plan';

/** Every start of `needle` in `hay` (both strings), overlapping ones included. */
function starts(hay: string, needle: string): number[] {
  const out: number[] = [];
  for (let i = hay.indexOf(needle); i !== -1; i = hay.indexOf(needle, i + 1)) out.push(i);
  return out;
}

describe('planNeedle', () => {
  const lines = Array.from(
    { length: 2000 },
    (_, i) => `2026-05-01T10:00:00Z INFO req=${i} user=u${i % 97} GET /api/items/${i % 50} 200`,
  ).join('\n');
  const sample = Buffer.from(lines);

  it('searches a stretch of at most 6 bytes that starts with a byte rare in the sample', () => {
    const plan = planNeedle(Buffer.from('user=u5 GET /api'), true, sample);
    const stretch = plan.spellings[0].toString();
    expect(plan.spellings).toHaveLength(1);
    expect(stretch.length).toBeLessThanOrEqual(6);
    expect('user=u5 GET /api'.slice(plan.at, plan.at + stretch.length)).toBe(stretch);
    // The space and `/` start several stretches but occur many times a line.
    expect([' ', '/']).not.toContain(stretch[0]);
  });

  it('plans what counting every occurrence of every stretch would, though it stops counting a stretch already dearer than the best', () => {
    // The cost model of needle-plan.ts, every occurrence counted.
    const cost = (stretch: Buffer, whole: boolean) => {
      const stops = sample.filter((b) => b === stretch[0]).length;
      return (
        sample.length * 0.1 +
        stops * 5 +
        (whole ? 0 : starts(lines, stretch.toString()).length * 40)
      );
    };
    for (const needle of ['user=u5 GET /api', '00:00Z INFO', ' 200', 'e', '/api/items/4']) {
      const bytes = Buffer.from(needle);
      let best = { at: -1, cost: Infinity, size: 0 };
      for (let size = Math.min(6, bytes.length); size >= 1; size--) {
        for (let at = 0; at + size <= bytes.length; at++) {
          const c = cost(bytes.subarray(at, at + size), size === bytes.length);
          if (c < best.cost) best = { at, cost: c, size };
        }
      }
      const plan = planNeedle(bytes, true, sample);
      expect([plan.at, plan.spellings[0].toString()], needle).toEqual([
        best.at,
        needle.slice(best.at, best.at + best.size),
      ]);
    }
  });

  it('ignoring case, searches every case spelling of a stretch with few letters', () => {
    const plan = planNeedle(Buffer.from('user=u5 get'), false, sample);
    const spelled = plan.spellings.map((s) => s.toString());
    expect(spelled.length).toBeLessThanOrEqual(8);
    expect(new Set(spelled.map((s) => s.toLowerCase())).size).toBe(1);
    expect(new Set(spelled).size).toBe(spelled.length);
  });
});

describe('findAll', () => {
  const hay = 'aaaaaaa user=u5 GET USER=U5 get User=u5 Get user=u50 GET aaaa\nu';
  const body = Buffer.from(hay);

  it('finds every occurrence, overlapping ones too, whatever the sample chose', () => {
    for (const sample of [body, Buffer.from('u'.repeat(100)), Buffer.alloc(0)]) {
      for (const needle of ['user=u5 GET', 'aaaa', 'a', 'GET aaaa\nu', 'u']) {
        const plan = planNeedle(Buffer.from(needle), true, sample);
        expect(findAll(body, Buffer.from(needle), plan, false), needle).toEqual(
          starts(hay, needle),
        );
      }
    }
  });

  it('ignoring case, finds every spelling in order', () => {
    const lowerHay = hay.toLowerCase();
    for (const needle of ['user=u5 get', 'aaaa', 'u5 g', 'get user']) {
      const plan = planNeedle(Buffer.from(needle), false, body);
      expect(findAll(body, Buffer.from(needle), plan, true), needle).toEqual(
        starts(lowerHay, needle),
      );
    }
  });
});
