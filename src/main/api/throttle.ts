/**
 * Coalesces change notifications into calls of `send`, at most one per `gapMs`: the first
 * after a quiet spell goes out on the next tick, later ones wait out the rest of the gap.
 * The subscriptions that push snapshots (topic lists, tail positions) share it.
 */
export function throttled(send: () => void, gapMs: number): { schedule(): void; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  let last = 0;
  const fire = () => {
    timer = undefined;
    last = Date.now();
    send();
  };
  return {
    schedule: () => {
      timer ??= setTimeout(fire, Math.max(0, last + gapMs - Date.now()));
    },
    cancel: () => clearTimeout(timer),
  };
}
