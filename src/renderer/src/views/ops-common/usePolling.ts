import { useEffect, useRef } from 'react';

/**
 * Calls `tick` now and then every `intervalMs` while the component is mounted, never
 * overlapping two calls (a slow backend just makes the refresh slower).
 */
export function usePolling(
  tick: () => Promise<void> | void,
  intervalMs: number,
  deps: unknown[] = [],
) {
  const latest = useRef(tick);
  latest.current = tick;
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      try {
        await latest.current();
      } finally {
        if (!stopped) timer = setTimeout(run, intervalMs);
      }
    };
    void run();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [intervalMs, ...deps]);
}
