import { timingSafeEqual } from 'node:crypto';

/**
 * Whether `given` equals the secret `expected` (an API token, a download ticket), compared
 * in constant time so that a wrong guess says nothing about the right one.
 */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
