/**
 * The one way a test waits: poll a condition until it holds, with a generous deadline,
 * never a fixed sleep. The folders' helpers re-export it or adapt its argument order.
 */

export type Truthy<T> = Exclude<T, false | null | undefined | 0 | ''>;

export interface WaitOptions {
  /** Deadline; default 20 s (CI machines are slow: be generous). */
  timeoutMs?: number;
  /** Time between polls; default 10 ms. */
  intervalMs?: number;
  /**
   * Treat a throwing condition as not yet true (e.g. a file not written yet) and name the
   * last error when the deadline passes. Default false: the error fails the wait at once.
   */
  retryOnError?: boolean;
}

/**
 * Polls `condition` until it returns a truthy value, and returns that value. Throws after
 * the deadline, naming `what`. A number as `opts` is the deadline in milliseconds.
 */
export async function waitFor<T>(
  condition: () => T | Promise<T>,
  what: string | (() => string) = 'condition',
  opts: WaitOptions | number = {},
): Promise<Truthy<Awaited<T>>> {
  const {
    timeoutMs = 20_000,
    intervalMs = 10,
    retryOnError = false,
  } = typeof opts === 'number' ? { timeoutMs: opts } : opts;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (true) {
    try {
      const value = await condition();
      if (value) return value as Truthy<Awaited<T>>;
    } catch (err) {
      if (!retryOnError) throw err;
      lastError = err;
    }
    if (Date.now() > deadline) {
      const name = typeof what === 'string' ? what : what();
      const cause = lastError ? `: ${(lastError as Error).message ?? String(lastError)}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${name}${cause}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
