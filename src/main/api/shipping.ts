import type { shippingRequests } from '../../common/api/shipping';
import type { ShipManager } from '../shipping/manager';
import type { HandlersFor } from './dispatcher';

/** Handlers of the `shipping.*` requests; the work happens in ShipManager. */
export function createShippingHandlers({
  shipping,
}: {
  shipping: ShipManager;
}): HandlersFor<typeof shippingRequests> {
  return {
    'shipping.list': () => shipping.list(),
    'shipping.add': ({ config }) => shipping.add(config),
    'shipping.remove': async ({ topic }) => {
      await shipping.remove(topic);
      return {};
    },
  };
}
