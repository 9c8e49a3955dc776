import { waitFor, type Truthy } from '../wait';

/** Polls `condition` every 10 ms until it is truthy, or fails after a generous deadline. */
export function waitUntil<T>(
  condition: () => T,
  what = 'condition',
  timeoutMs = 20_000,
): Promise<Truthy<Awaited<T>>> {
  return waitFor(condition, what, timeoutMs);
}
