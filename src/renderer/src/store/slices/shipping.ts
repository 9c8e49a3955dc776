import type { StateCreator } from 'zustand';
import type { ResultOf } from '../../../../common/api/contract';
import type { ShipConfig } from '../../../../common/shipping/config';
import type { ErrorPayload } from '../../../../common/errors';
import { errorOf } from '../../views/ops-common/errors';
import type { AppState } from '../index';

export type ShipStatus = ResultOf<'shipping.list'>[number];

/** How often the Shipping panel refreshes its status (backlog, rate, errors). */
export const SHIPPING_POLL_MS = 2_000;

/**
 * Ships (local topics forwarded to remote clusters): their live status, polled while the
 * Collectors view is open; add and remove.
 */
export interface ShippingSlice {
  shipping: {
    ships: ShipStatus[];
    loaded: boolean;
    error: ErrorPayload | null;
  };
  loadShips(): Promise<void>;
  /** Polls the status until the returned function is called. */
  watchShips(): () => void;
  /** Resolves with the error to show, or null when the ship was added. */
  addShip(config: ShipConfig): Promise<ErrorPayload | null>;
  removeShip(topic: string): Promise<ErrorPayload | null>;
}

export const createShippingSlice: StateCreator<AppState, [], [], ShippingSlice> = (set, get) => {
  const attempt = async (work: () => Promise<unknown>): Promise<ErrorPayload | null> => {
    try {
      await work();
      await get().loadShips();
      return null;
    } catch (err) {
      return errorOf(err);
    }
  };
  return {
    shipping: { ships: [], loaded: false, error: null },
    loadShips: async () => {
      try {
        const ships = await get().api.call('shipping.list', {});
        set({ shipping: { ships, loaded: true, error: null } });
      } catch (err) {
        set((s) => ({ shipping: { ...s.shipping, loaded: true, error: errorOf(err) } }));
      }
    },
    watchShips: () => {
      void get().loadShips();
      const timer = setInterval(() => void get().loadShips(), SHIPPING_POLL_MS);
      return () => clearInterval(timer);
    },
    addShip: (config) => attempt(() => get().api.call('shipping.add', { config })),
    removeShip: (topic) => attempt(() => get().api.call('shipping.remove', { topic })),
  };
};
