import type { systemRequests } from '../../common/api/system';
import type { Services } from '../services';
import { APP_VERSION } from '../version';
import type { HandlersFor } from './dispatcher';

/** Handlers of the `system.*` requests: facts about this process. */
export function createSystemHandlers(services: Services): HandlersFor<typeof systemRequests> {
  return {
    'system.info': (_params, ctx) => ({
      version: APP_VERSION,
      dataDir: services.dataDir,
      mode: services.mode,
      kafkaListener: services.kafkaListener,
      // What the transport offers, not what the mode suggests: one answer per caller.
      capabilities: {
        downloadExports: ctx.exportDownloadPath !== undefined,
        showExportInFolder: ctx.showItemInFolder !== undefined,
      },
    }),
  };
}
