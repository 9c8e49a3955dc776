import { Download } from 'lucide-react';
import { useCallback, useEffect, useRef, useState, type MutableRefObject } from 'react';
import type { MessageRow } from '../../../../common/api/messages';
import { Button } from '../../components/ui/Button';
import { PageHeader } from '../../components/ui/PageHeader';
import { hrefFor, replaceRoute, type TimelineRoute } from '../../router';
import { useAppStore } from '../../store';
import { BrowserTimeline } from '../Browser/BrowserTimeline';
import { ExportDialog } from '../Browser/ExportDialog';
import { MessageDetailPanel } from '../Browser/MessageDetailPanel';
import { MessageTable } from '../Browser/MessageTable';
import { SearchPanel } from '../Browser/SearchPanel';
import { SearchTable } from '../Browser/SearchTable';
import { SeekBar } from '../Browser/SeekBar';
import { TimelineTailSync } from '../Browser/TailSync';
import { TotalBadge } from '../Browser/TotalBadge';
import { useBrowserKeys } from '../Browser/use-browser-keys';
import { useOpenView } from '../Browser/use-open-view';
import type { ViewTarget } from '../../store/slices/view-source';
import { DetailSync, FollowControls, ValueModeControls } from '../Browser/ViewControls';
import { TopicChip, topicColour } from './TopicCell';
import '../Browser/browser.css';

/**
 * Several topics on one timeline: every partition of every topic merged by time, each row
 * naming its topic in the topic's colour, with seek by time, live tail, search (its hits
 * merged by time in the table, as in a topic's browser), export, the histogram of every
 * topic's messages (or hits) by level above it, and the message detail —
 * following one request across services. The address keeps the topics, the
 * selected message and its time, so a link opens the same place.
 */
export function TimelineView({ route }: { route: TimelineRoute }) {
  const openTimeline = useAppStore((s) => s.openTimeline);
  const seek = useAppStore((s) => s.seek);
  const loadError = useAppStore((s) => s.browser.loadError);
  const openDetail = useAppStore((s) => s.openDetail);
  const detailOpen = useAppStore((s) => s.messageDetail !== null);
  const clearSearch = useAppStore((s) => s.clearSearch);
  /** A search is shown: the table lists its hits (SearchTable) instead of every message. */
  const searching = useAppStore((s) => s.search.active !== null);
  const [exporting, setExporting] = useState(false);
  const searchRef = useRef<HTMLInputElement>(null);
  const lastWritten = useRef<string | null>(null);
  const topics = route.topics;
  const viewKey = topics.join(',');

  // Open the view (again after a reconnect), then go to the linked message, time or the end.
  useOpenView(
    viewKey,
    () => openTimeline(topics),
    () => linkedTarget(route),
  );

  // Results belong to one view: a running search stops when the topics change or the view closes.
  useEffect(() => () => clearSearch(), [viewKey, clearSearch]);

  // A new time or message in the address from outside (a link, the palette): seek to it.
  useEffect(() => {
    const href = hrefFor(route);
    if (href === lastWritten.current) return;
    lastWritten.current = href;
    if (useAppStore.getState().browser.topics?.join(',') !== viewKey) return; // opening seeks
    const target = linkedTarget(route);
    if (target) void seek(target);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [route]);

  const openRow = useCallback(
    (row: MessageRow) => void openDetail(row.partition, row.offset, row.topic),
    [openDetail],
  );
  useBrowserKeys({ searchRef, onOpen: openRow });

  return (
    <section className="browser-view" data-testid="timeline-view">
      <PageHeader
        crumbs={[{ label: 'Topics', href: hrefFor({ view: 'topics' }) }]}
        title="Timeline"
        testId="timeline-title"
      >
        <span className="timeline-legend" data-testid="timeline-legend">
          {topics.map((t) => (
            <a key={t} href={hrefFor({ view: 'topic', topic: t })} title={`Open ${t} alone`}>
              <TopicChip topic={t} colour={topicColour(topics, t)} />
            </a>
          ))}
        </span>
        <TotalBadge />
        <span className="toolbar-spacer" />
        <div className="toolbar">
          <FollowControls />
          <Button icon={Download} onClick={() => setExporting(true)} data-testid="open-export">
            Export
          </Button>
        </div>
      </PageHeader>
      <div className="toolbar browser-controls">
        <SeekBar offsets={false} />
        <span className="toolbar-spacer" />
        <ValueModeControls />
      </div>
      <TimelineTailSync topics={topics} viewKey={viewKey} />
      <TimelineAddressSync route={route} lastWritten={lastWritten} />
      <DetailSync />
      <BrowserTimeline />
      <SearchPanel inputRef={searchRef} />
      {exporting && <ExportDialog onClose={() => setExporting(false)} />}
      {loadError && (
        <p className="inline-error" role="alert" data-testid="browser-error">
          {loadError.message}
        </p>
      )}
      <div className={`browser-body${detailOpen ? ' with-detail' : ''}`}>
        {searching ? <SearchTable onOpen={openRow} /> : <MessageTable onOpen={openRow} />}
        <MessageDetailPanel />
      </div>
    </section>
  );
}

/** Where a timeline's address points: the selected message, else a time. */
function linkedTarget(route: TimelineRoute): ViewTarget | null {
  if (route.at) return { kind: 'offset', ...route.at };
  if (route.t !== undefined) return { kind: 'timestamp', timestamp: route.t };
  return null;
}

/**
 * Keeps the selected message and its time in the address (replacing the entry); while the
 * view follows the tail, only the topics (as AddressSync in BrowserView, for the same reason).
 */
function TimelineAddressSync({
  route,
  lastWritten,
}: {
  route: TimelineRoute;
  lastWritten: MutableRefObject<string | null>;
}) {
  const selected = useAppStore((s) => s.browser.selected);
  const version = useAppStore((s) => s.browser.version);
  const following = useAppStore((s) => s.browser.following);
  const rowAt = useAppStore((s) => s.rowAt);
  useEffect(() => {
    if (selected === null && !following) return;
    const row = following || selected === null ? undefined : rowAt(selected);
    if (!following && !row?.topic) return;
    const next: TimelineRoute = row?.topic
      ? {
          view: 'timeline',
          topics: route.topics,
          t: row.timestamp,
          at: { topic: row.topic, partition: row.partition, offset: row.offset },
        }
      : { view: 'timeline', topics: route.topics };
    const href = hrefFor(next);
    if (href === lastWritten.current || href === hrefFor(route)) return;
    lastWritten.current = href;
    replaceRoute(next);
  }, [selected, following, version, rowAt, route, lastWritten]);
  return null;
}
