import { describe, expect, it } from 'vitest';
import { findAll, planNeedle, spreadSample } from '../../../src/main/search/needle-plan';

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
    // The cost model of needle-plan.ts, every occurrence counted: memchr stops on the
    // stretch's first byte, or memrchr's on its last when that is cheaper.
    const counts = new Array<number>(256).fill(0);
    for (const b of sample) counts[b]++;
    const stops = (byte: number) => counts[byte];
    const cost = (stretch: Buffer, whole: boolean) => {
      const forward = stops(stretch[0]);
      const backward = stops(stretch[stretch.length - 1]);
      const checks = whole ? 0 : starts(lines, stretch.toString()).length * 40;
      return {
        cost: sample.length * 0.1 + Math.min(forward, backward) * 5 + checks,
        backward: backward < forward,
      };
    };
    for (const needle of ['user=u5 GET /api', '00:00Z INFO', ' 200', 'e', '/api/items/4']) {
      const bytes = Buffer.from(needle);
      let best = { at: -1, cost: Infinity, size: 0, backward: false };
      for (let size = Math.min(6, bytes.length); size >= 1; size--) {
        for (let at = 0; at + size <= bytes.length; at++) {
          const c = cost(bytes.subarray(at, at + size), size === bytes.length);
          if (c.cost < best.cost) best = { at, size, ...c };
        }
      }
      const plan = planNeedle(bytes, true, sample);
      expect([plan.at, plan.spellings[0].toString(), plan.backward], needle).toEqual([
        best.at,
        needle.slice(best.at, best.at + best.size),
        best.backward,
      ]);
    }
  });

  it('searches backwards when the stretches that start with a rare byte occur on every line', () => {
    // Every byte of the needle occurs on every line; `G` and `E` once, in `GET`, which every
    // line holds. Forwards, each stretch stops twice a line or more, or is checked on every
    // line; backwards, one ending in `G` or `E` stops once.
    const plan = planNeedle(Buffer.from('user=u5 GET'), true, sample);
    const stretch = plan.spellings[0].toString();
    expect(plan.backward).toBe(true);
    expect(['G', 'E']).toContain(stretch[stretch.length - 1]);
    expect(starts(lines, stretch).length).toBeLessThan(100); // not on every line
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

  it('finds every occurrence through any stretch, forwards and backwards, at the ends of the body too', () => {
    for (const needle of ['user=u5 GET', 'aaaa', 'a', 'aaaaaaa', 'GET aaaa\nu', 'u', '\nu']) {
      const bytes = Buffer.from(needle);
      for (let size = 1; size <= Math.min(6, bytes.length); size++) {
        for (let at = 0; at + size <= bytes.length; at++) {
          for (const backward of [false, true]) {
            const plan = { at, spellings: [Buffer.from(bytes.subarray(at, at + size))], backward };
            expect(
              findAll(body, bytes, plan, false),
              `${needle} ${at}+${size} ${backward}`,
            ).toEqual(starts(hay, needle));
          }
        }
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
      const backward = { ...plan, backward: !plan.backward };
      expect(findAll(body, Buffer.from(needle), backward, true), needle).toEqual(
        starts(lowerHay, needle),
      );
    }
  });
});

describe('spreadSample', () => {
  it('is the data itself when the data is no larger than the sample', () => {
    const data = Buffer.from('x'.repeat(1000));
    expect(spreadSample(data, 4096)).toBe(data);
    expect(spreadSample(data, 1000)).toBe(data);
  });

  it('takes 4 KiB pieces from the start, the middle and the end of larger data', () => {
    // Each KiB of the data is filled with its own number, so a piece tells where it came from.
    const data = Buffer.alloc(1024 * 1024);
    for (let k = 0; k < 1024; k++) data.fill(k % 256, k * 1024, (k + 1) * 1024);
    const sample = spreadSample(data, 16 * 1024);
    expect(sample.length).toBe(16 * 1024);
    const firstBytes = [0, 1, 2, 3].map((i) => sample[i * 4096]);
    expect(firstBytes[0]).toBe(0); // the start
    expect(sample[sample.length - 1]).toBe(1023 % 256); // the end
    expect(firstBytes[1]).toBeGreaterThan(0); // pieces from between them
    expect(firstBytes[2]).toBeGreaterThan(firstBytes[1]);
  });
});
