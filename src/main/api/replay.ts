import type { replayRequests } from '../../common/api/replay';
import type { ReplayManager } from '../replay/manager';
import type { HandlersFor } from './dispatcher';

/** Handlers of the `replay.*` requests; the work happens in ReplayManager. */
export function createReplayHandlers({
  replay,
}: {
  replay: ReplayManager;
}): HandlersFor<typeof replayRequests> {
  return {
    'replay.start': ({ range, target }) => replay.start(range, target),
    'replay.get': ({ id }) => replay.get(id),
    'replay.list': () => replay.list(),
    'replay.cancel': ({ id }) => replay.cancel(id),
  };
}
