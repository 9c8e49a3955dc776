/**
 * Which stretch of a needle to hand to Buffer.indexOf, and how. Node's indexOf finds
 * needles of up to 6 bytes with memchr on their first byte and compares the rest in C++;
 * longer ones go through Boyer-Moore-Horspool, which on log lines (short alphabets, many
 * repeats) runs at a third of that speed. So a needle is searched through one stretch of at
 * most 6 bytes, chosen on a sample of the data being searched: the stretch whose first byte
 * is rare there (few memchr stops) and which itself occurs rarely (few places to check
 * against the whole needle in JavaScript), as grep picks the rarest bytes of a pattern.
 * Ignoring ASCII case, the stretch is searched in each of its case spellings, so stretches
 * with fewer letters cost fewer passes. For `user=u5 GET` on access-log lines this is
 * `=u5 GE` (one letter: two passes), 3-4x faster than indexOf on the whole needle.
 */

/** Bytes Node's indexOf finds with memchr + compare (its linear search). */
const LINEAR_MAX = 6;
/** The most case spellings of a stretch worth a pass each. */
const MAX_SPELLINGS = 8;
/** Rough costs in ns: a byte memchr skips, a memchr stop, a check in JavaScript. */
const COST_PER_BYTE = 0.1;
const COST_PER_STOP = 5;
const COST_PER_CHECK = 40;

export interface NeedlePlan {
  /** Where the stretch starts in the needle. */
  at: number;
  /** The stretch in each spelling searched (one when case matters). */
  spellings: Buffer[];
}

const isLetter = (c: number) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);

/**
 * The cheapest stretch of `needle` to search in data like `sample`. Ignoring case, `needle`
 * must be lower-case ASCII.
 */
export function planNeedle(needle: Buffer, caseSensitive: boolean, sample: Buffer): NeedlePlan {
  const counts = new Uint32Array(256);
  for (let i = 0; i < sample.length; i++) counts[sample[i]]++;
  let best: { plan: NeedlePlan; cost: number } | null = null;
  for (let size = Math.min(LINEAR_MAX, needle.length); size >= 1; size--) {
    for (let at = 0; at + size <= needle.length; at++) {
      const stretch = needle.subarray(at, at + size);
      const spellings = caseSensitive ? [Buffer.from(stretch)] : caseSpellings(stretch);
      if (spellings === null) continue;
      const bound = best === null ? Infinity : best.cost;
      const cost = stretchCost(sample, counts, spellings, size < needle.length, bound);
      if (cost < bound) best = { plan: { at, spellings }, cost };
    }
  }
  return best!.plan;
}

/**
 * What searching these spellings would cost on `sample`, or a figure >= `bound` once it
 * cannot be less: counting a frequent stretch's occurrences (a space, a digit: thousands in
 * a sample) is what planning costs, and a stretch already dearer than the best needs no
 * exact figure. A stretch shorter than the needle is checked in JavaScript where it occurs.
 */
function stretchCost(
  sample: Buffer,
  counts: Uint32Array,
  spellings: Buffer[],
  checked: boolean,
  bound: number,
): number {
  let cost = 0;
  for (const s of spellings) cost += sample.length * COST_PER_BYTE + counts[s[0]] * COST_PER_STOP;
  if (!checked) return cost;
  for (const s of spellings) {
    if (s.length === 1) {
      cost += counts[s[0]] * COST_PER_CHECK; // a byte occurs as often as it was counted
      continue;
    }
    for (let i = sample.indexOf(s); i !== -1 && cost < bound; i = sample.indexOf(s, i + 1))
      cost += COST_PER_CHECK;
  }
  return cost;
}

/** Every upper/lower spelling of a lower-case ASCII stretch; null when there are too many. */
function caseSpellings(lower: Buffer): Buffer[] | null {
  let out = [Buffer.from(lower)];
  for (let j = 0; j < lower.length; j++) {
    if (!isLetter(lower[j])) continue;
    if (out.length * 2 > MAX_SPELLINGS) return null;
    out = out.flatMap((b) => {
      const upper = Buffer.from(b);
      upper[j] = b[j] - 0x20;
      return [b, upper];
    });
  }
  return out;
}

/**
 * Start positions of `needle` in `body`, ascending: the plan's stretch found by indexOf in
 * each spelling, each place checked against the whole needle (ignoring ASCII case when
 * `lower` is the needle in lower case).
 */
export function findAll(body: Buffer, needle: Buffer, plan: NeedlePlan, folded: boolean): number[] {
  const starts: number[] = [];
  const { at, spellings } = plan;
  const whole = spellings[0].length === needle.length;
  for (const s of spellings) {
    for (let i = body.indexOf(s); i !== -1; i = body.indexOf(s, i + 1)) {
      const start = i - at;
      if (whole) starts.push(start);
      else if (
        start >= 0 &&
        start + needle.length <= body.length &&
        (folded ? equalsFolded(body, start, needle) : equalsAt(body, start, needle))
      )
        starts.push(start);
    }
  }
  if (spellings.length > 1) starts.sort((a, b) => a - b);
  return starts;
}

function equalsAt(body: Buffer, start: number, needle: Buffer): boolean {
  for (let j = 0; j < needle.length; j++) if (body[start + j] !== needle[j]) return false;
  return true;
}

/** True when `body` at `start` spells `lower` (lower-case ASCII) ignoring ASCII case. */
function equalsFolded(body: Buffer, start: number, lower: Buffer): boolean {
  for (let j = 0; j < lower.length; j++) {
    const c = body[start + j];
    if ((c >= 0x41 && c <= 0x5a ? c | 0x20 : c) !== lower[j]) return false;
  }
  return true;
}
