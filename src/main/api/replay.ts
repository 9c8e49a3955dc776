import type { replayRequests } from '../../common/api/replay';
import type { ReplayManager } from '../replay/manager';
import type { HandlersFor } from './dispatcher';

/**
 * Handlers of the `replay.*` requests; the work happens in ReplayManager, one for every
 * cluster. A range that names no cluster is about the cluster the request is about.
 */
export function createReplayHandlers({
  replay,
  cluster,
}: {
  replay: ReplayManager;
  /** The request's cluster (`local` unless it names another). */
  cluster: string;
}): HandlersFor<typeof replayRequests> {
  return {
    'replay.start': ({ range, target }) =>
      replay.start({ ...range, cluster: range.cluster ?? cluster }, target),
    'replay.get': ({ id }) => replay.get(id),
    'replay.list': () => replay.list(),
    'replay.cancel': ({ id }) => replay.cancel(id),
  };
}
