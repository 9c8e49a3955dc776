/** Polls `condition` every 10 ms until it is truthy, or fails after a generous deadline. */
export async function waitUntil<T>(
  condition: () => T,
  what = 'condition',
  timeoutMs = 20_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = condition();
    if (v) return v as NonNullable<T>;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
