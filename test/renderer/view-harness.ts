import { act, cleanup } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, vi } from 'vitest';
import { useAppStore } from '../../src/renderer/src/store';
import type { InspectHarness } from '../main/api/inspect-harness';

/**
 * The view tests' fixture around a real broker: before all tests `open` starts (and fills)
 * one, then the store talks to it through the in-process transport with the connection
 * open; after each test the DOM is unmounted and the address cleared; after all, the
 * broker is closed.
 */
export function useViewHarness(open: () => Promise<InspectHarness>): void {
  let h: InspectHarness | undefined;
  beforeAll(async () => {
    h = await open();
    useAppStore.getState().setApi(h.client, 'in-process');
    useAppStore.getState().setConnection('open');
  });
  afterEach(() => {
    cleanup();
    window.location.hash = '';
  });
  afterAll(async () => {
    await h?.close();
  });
}

/** jsdom has no layout: gives every element a real height, so that a table paints its rows. */
export function giveTableHeight(): void {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', {
    configurable: true,
    get: () => 480,
  });
}

/**
 * Produces a burst of `count` messages (`burst 0` ... `burst count-1`) into partition 0 of
 * `topic` while recording the names of every call the view makes to the API meanwhile and
 * until `check` (the test's waits and expectations on what the view shows) has run.
 * Returns those names: a following view should need no window of its own.
 */
export async function callsDuringBurst(
  h: InspectHarness,
  topic: string,
  count: number,
  check: () => Promise<void>,
): Promise<string[]> {
  const realCall = h.client.call.bind(h.client);
  const asked: string[] = [];
  const spy = vi.spyOn(h.client, 'call').mockImplementation(((name, params) => {
    asked.push(name);
    return realCall(name, params);
  }) as typeof h.client.call);
  try {
    await act(async () => {
      await realCall('messages.produceBatch', {
        topic,
        partition: 0,
        acks: 1,
        records: Array.from({ length: count }, (_, i) => ({ key: null, value: `burst ${i}` })),
      });
    });
    await check();
    return asked;
  } finally {
    spy.mockRestore();
  }
}
