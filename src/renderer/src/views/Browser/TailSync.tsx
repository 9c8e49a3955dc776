import { useEffect } from 'react';
import type { ApiClient, Unsubscribe } from '../../../../common/api/contract';
import type { TailNewest } from '../../../../common/api/messages';
import { useAppStore } from '../../store';
import { FOLLOW_NEWEST } from '../../store/slices/browser';

/**
 * The live tail of the message table's view: the backend says when it grows; while
 * following, each event also brings the newest rows (one message per update, however fast
 * the topics grow), else the table fetches what it shows itself. Components of their own so
 * that pausing and resuming, which subscribe again, re-render only them.
 */
function useTail(
  viewKey: string,
  subscribe: (api: ApiClient, newest: TailNewest | undefined) => Unsubscribe,
): void {
  const status = useAppStore((s) => s.connection.status);
  const api = useAppStore((s) => s.api);
  const following = useAppStore((s) => s.browser.following);
  useEffect(() => {
    if (status !== 'open') return;
    return subscribe(api, following ? FOLLOW_NEWEST : undefined);
    // viewKey stands for what `subscribe` follows (new arrays on every render).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [viewKey, status, api, following]);
}

/** A topic's view: `messages.tail`. */
export function TopicTailSync({
  topic,
  partitions,
  viewKey,
}: {
  topic: string;
  partitions: number[] | null;
  viewKey: string;
}) {
  const applyTail = useAppStore((s) => s.applyTail);
  useTail(viewKey, (api, newest) =>
    api.subscribe('messages.tail', { topic, partitions, ...(newest ? { newest } : {}) }, (e) =>
      applyTail(e.total, e.partitions, e.newest),
    ),
  );
  return null;
}

/** A timeline: `timeline.tail`; any of its topics growing grows the view. */
export function TimelineTailSync({ topics, viewKey }: { topics: string[]; viewKey: string }) {
  const applyTail = useAppStore((s) => s.applyTail);
  useTail(viewKey, (api, newest) =>
    api.subscribe('timeline.tail', { topics, ...(newest ? { newest } : {}) }, (e) =>
      applyTail(e.total, e.lanes, e.newest),
    ),
  );
  return null;
}
