/**
 * Which stretch of a needle to hand to Buffer.indexOf or lastIndexOf, and how. Node's
 * indexOf finds needles of up to 6 bytes with memchr on their first byte and compares the
 * rest in C++; lastIndexOf does the same backwards, with memrchr on their last byte. Longer
 * needles go through Boyer-Moore-Horspool, which on log lines (short alphabets, many
 * repeats) runs at a third of that speed. So a needle is searched through one stretch of at
 * most 6 bytes, chosen on a sample of the data being searched: the stretch whose first
 * byte, or last byte searching backwards, is rare there (few memchr stops) and which
 * itself occurs rarely (few places to check against the whole needle in JavaScript), as
 * grep picks the rarest bytes of a pattern. Ignoring ASCII case, the stretch is searched
 * in each of its case spellings, so stretches with fewer letters cost fewer passes.
 *
 * Backwards matters when every byte of a needle is common: in `user=u5 GET` on access-log
 * lines every byte occurs at least once a line, and the stretches that start with one that
 * occurs only once (`GET`, `ET`) occur on every line, each a check in JavaScript; but
 * `=u5 GE` searched backwards stops once a line (at the `E` of GET) where forwards it stops
 * twice (`req=`, `user=`): 1.1 vs 1.5 ms per 8 MiB of those lines.
 */

/** Bytes Node's indexOf finds with memchr + compare (its linear search). */
const LINEAR_MAX = 6;
/** The most case spellings of a stretch worth a pass each. */
const MAX_SPELLINGS = 8;
/** Bytes of each piece of a spread sample (see spreadSample): some 50 log lines. */
const SAMPLE_PIECE = 4096;
/** Rough costs in ns: a byte memchr skips, a memchr stop, a check in JavaScript. */
const COST_PER_BYTE = 0.1;
const COST_PER_STOP = 5;
const COST_PER_CHECK = 40;

export interface NeedlePlan {
  /** Where the stretch starts in the needle. */
  at: number;
  /** The stretch in each spelling searched (one when case matters). */
  spellings: Buffer[];
  /** Searched with lastIndexOf from the end (memrchr on its last byte). */
  backward: boolean;
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
      const { cost, backward } = stretchCost(
        sample,
        counts,
        spellings,
        size < needle.length,
        bound,
      );
      if (cost < bound) best = { plan: { at, spellings, backward }, cost };
    }
  }
  return best!.plan;
}

/**
 * About `bytes` of `data` to plan on, in pieces of 4 KiB spread evenly over it (the whole
 * of `data` when it is no larger): the start of a batch alone can differ from the rest of
 * it as much as a topic's first lines from its later ones. A stretch that spans two pieces
 * counts as an occurrence now and then; the plan is a guess either way.
 */
export function spreadSample(data: Buffer, bytes: number): Buffer {
  if (data.length <= bytes) return data;
  const pieces = Math.max(1, Math.floor(bytes / SAMPLE_PIECE));
  const step = Math.floor((data.length - SAMPLE_PIECE) / Math.max(1, pieces - 1));
  const parts: Buffer[] = [];
  for (let k = 0; k < pieces; k++) {
    const at = Math.min(k * step, data.length - SAMPLE_PIECE);
    parts.push(data.subarray(at, at + SAMPLE_PIECE));
  }
  return Buffer.concat(parts);
}

/**
 * What searching these spellings would cost on `sample`, in the cheaper direction (forwards
 * when equal), or a figure >= `bound` once it cannot be less: counting a frequent
 * stretch's occurrences (a space, a digit: thousands in a sample) is what planning costs,
 * and a stretch already dearer than the best needs no exact figure. A stretch shorter than
 * the needle is checked in JavaScript where it occurs.
 */
function stretchCost(
  sample: Buffer,
  counts: Uint32Array,
  spellings: Buffer[],
  checked: boolean,
  bound: number,
): { cost: number; backward: boolean } {
  let forward = 0;
  let backward = 0;
  for (const s of spellings) {
    forward += sample.length * COST_PER_BYTE + counts[s[0]] * COST_PER_STOP;
    backward += sample.length * COST_PER_BYTE + counts[s[s.length - 1]] * COST_PER_STOP;
  }
  const back = backward < forward;
  let cost = back ? backward : forward;
  if (!checked) return { cost, backward: back };
  for (const s of spellings) {
    if (s.length === 1) {
      cost += counts[s[0]] * COST_PER_CHECK; // a byte occurs as often as it was counted
      continue;
    }
    for (let i = sample.indexOf(s); i !== -1 && cost < bound; i = sample.indexOf(s, i + 1))
      cost += COST_PER_CHECK;
  }
  return { cost, backward: back };
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
 * Start positions of `needle` in `body`, ascending: the plan's stretch found by indexOf
 * (lastIndexOf backwards) in each spelling, each place checked against the whole needle
 * (ignoring ASCII case when `lower` is the needle in lower case).
 */
export function findAll(body: Buffer, needle: Buffer, plan: NeedlePlan, folded: boolean): number[] {
  const starts: number[] = [];
  const { at, spellings, backward } = plan;
  const whole = spellings[0].length === needle.length;
  const found = (i: number) => {
    const start = i - at;
    if (whole) starts.push(start);
    else if (
      start >= 0 &&
      start + needle.length <= body.length &&
      (folded ? equalsFolded(body, start, needle) : equalsAt(body, start, needle))
    )
      starts.push(start);
  };
  for (const s of spellings) {
    if (!backward) {
      for (let i = body.indexOf(s); i !== -1; i = body.indexOf(s, i + 1)) found(i);
      continue;
    }
    // lastIndexOf takes a negative offset from the end: the walk stops at 0 itself.
    for (let i = body.lastIndexOf(s); i !== -1; i = i > 0 ? body.lastIndexOf(s, i - 1) : -1)
      found(i);
  }
  if (spellings.length > 1) starts.sort((a, b) => a - b);
  else if (backward) starts.reverse();
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
