import { cleanup } from '@testing-library/react';
import { afterAll, afterEach, beforeAll } from 'vitest';
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
