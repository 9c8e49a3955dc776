import { useCallback, useEffect, useMemo, useRef, useState, type MutableRefObject } from 'react';
import type { MessageRow } from '../../../../common/api/messages';
import {
  hrefFor,
  navigate,
  normalizePartitions,
  replaceRoute,
  topicRoute,
  viewPartitionsOf,
  type TopicRoute,
} from '../../router';
import { useAppStore } from '../../store';
import { Download, Send } from 'lucide-react';
import { Button } from '../../components/ui/Button';
import { PageHeader } from '../../components/ui/PageHeader';
import { BrowserTimeline } from './BrowserTimeline';
import { FacetPanel } from './FacetPanel';
import { ExportDialog } from './ExportDialog';
import { MessageDetailPanel } from './MessageDetailPanel';
import { MessageTable } from './MessageTable';
import { PartitionPicker } from './PartitionPicker';
import { ProduceDialog } from './ProduceDialog';
import { SearchPanel } from './SearchPanel';
import { SearchLinkSync } from './SearchLinkSync';
import { SearchTable } from './SearchTable';
import { SeekBar } from './SeekBar';
import { TopicTailSync } from './TailSync';
import { TotalBadge } from './TotalBadge';
import { useBrowserKeys } from './use-browser-keys';
import { useOpenView } from './use-open-view';
import { DetailSync, FollowControls, ValueModeControls } from './ViewControls';
import './browser.css';

/**
 * The message browser of one topic: one partition, several or all merged by timestamp, seek, a
 * virtualized table, live tail, detail, search, produce and export. The position (the
 * selected message) is kept in the address, so it can be linked to and survives reloads.
 */
export function BrowserView({ route }: { route: TopicRoute }) {
  const openBrowser = useAppStore((s) => s.openBrowser);
  const seek = useAppStore((s) => s.seek);
  const topicPartitions = useAppStore((s) => s.browser.topicPartitions);
  const rowAt = useAppStore((s) => s.rowAt);
  const loadError = useAppStore((s) => s.browser.loadError);
  const clearSearch = useAppStore((s) => s.clearSearch);
  const openDetail = useAppStore((s) => s.openDetail);
  const detailOpen = useAppStore((s) => s.messageDetail !== null);
  /** A search is shown: the table lists its hits (SearchTable) instead of every message. */
  const searching = useAppStore((s) => s.search.active !== null);
  const [dialog, setDialog] = useState<'produce' | 'export' | null>(null);
  const [facet, setFacet] = useState<string | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const lastWritten = useRef<string | null>(null);

  const partitions = useMemo(() => viewPartitionsOf(route), [route]);
  const viewKey = `${route.topic}|${partitions?.join(',') ?? 'all'}`;

  // Open the view (again after a reconnect), then go to the linked message or the newest.
  useOpenView(
    viewKey,
    () => openBrowser(route.topic, partitions),
    () =>
      route.offset === undefined
        ? null
        : { kind: 'offset', partition: route.partition, offset: route.offset },
  );

  // Results belong to one view: a running search stops when the view changes or closes.
  useEffect(() => () => clearSearch(), [viewKey, clearSearch]);
  useEffect(() => setFacet(null), [route.topic]);

  // A new address from outside (a link, the palette, a search hit): seek to it.
  useEffect(() => {
    const href = hrefFor(route);
    if (href === lastWritten.current || route.offset === undefined) return;
    lastWritten.current = href;
    if (useAppStore.getState().browser.topic !== route.topic) return; // the open effect seeks
    void seek({ kind: 'offset', partition: route.partition, offset: route.offset });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [route]);

  const openRow = useCallback(
    (row: MessageRow) => void openDetail(row.partition, row.offset),
    [openDetail],
  );
  useBrowserKeys({ searchRef, onOpen: openRow });

  // A new selection of partitions keeps the selected message when the new view shows it
  // (and the tail when following).
  const choosePartitions = (next: number[] | null) => {
    const b = useAppStore.getState().browser;
    const row = b.selected !== null && !b.following ? rowAt(b.selected) : undefined;
    const keep = row && (next === null || next.includes(row.partition));
    navigate(topicRoute(route.topic, next, keep ? row : undefined));
  };
  // Offered: every partition of the topic, and those of the address even before it is known.
  const offered = normalizePartitions([...topicPartitions, ...(partitions ?? [])]);

  return (
    <section className="browser-view" data-testid="browser-view">
      <PageHeader
        crumbs={[{ label: 'Topics', href: hrefFor({ view: 'topics' }) }]}
        title={route.topic}
        testId="browser-title"
      >
        <TotalBadge />
        <span className="toolbar-spacer" />
        <div className="toolbar">
          <FollowControls />
          <Button icon={Send} onClick={() => setDialog('produce')} data-testid="open-produce">
            Produce
          </Button>
          <Button icon={Download} onClick={() => setDialog('export')} data-testid="open-export">
            Export
          </Button>
        </div>
      </PageHeader>
      <div className="toolbar browser-controls">
        <PartitionPicker all={offered} selected={partitions} onChange={choosePartitions} />
        <SeekBar />
        <span className="toolbar-spacer" />
        <ValueModeControls />
      </div>
      <TopicTailSync topic={route.topic} partitions={partitions} viewKey={viewKey} />
      <AddressSync route={route} partitions={partitions} lastWritten={lastWritten} />
      <DetailSync />
      <SearchLinkSync route={route} lastWritten={lastWritten} />
      <BrowserTimeline />
      {facet && <FacetPanel key={facet} field={facet} onClose={() => setFacet(null)} />}
      <SearchPanel inputRef={searchRef} />
      {dialog === 'produce' && <ProduceDialog onClose={() => setDialog(null)} />}
      {dialog === 'export' && <ExportDialog onClose={() => setDialog(null)} />}
      {loadError && (
        <p className="inline-error" role="alert" data-testid="browser-error">
          {loadError.code === 'UNKNOWN_TOPIC' ? `Topic ${route.topic} does not exist. ` : ''}
          {loadError.message}
        </p>
      )}
      <div className={`browser-body${detailOpen ? ' with-detail' : ''}`}>
        {searching ? (
          <SearchTable onOpen={openRow} onFacet={setFacet} />
        ) : (
          <MessageTable onOpen={openRow} onFacet={setFacet} />
        )}
        <MessageDetailPanel />
      </div>
    </section>
  );
}

/**
 * Keeps the selected message in the address (replacing, not adding, history entries). A
 * component of its own so that windows arriving while scrolling re-render only this, not
 * the whole browser. While the view follows the tail the address holds no message (opened,
 * it goes to the newest and follows): each tail update moves the selection, and writing it
 * would re-render the whole app every time.
 */
function AddressSync({
  route,
  partitions,
  lastWritten,
}: {
  route: TopicRoute;
  partitions: number[] | null;
  lastWritten: MutableRefObject<string | null>;
}) {
  const selected = useAppStore((s) => s.browser.selected);
  const version = useAppStore((s) => s.browser.version);
  const following = useAppStore((s) => s.browser.following);
  const rowAt = useAppStore((s) => s.rowAt);
  // Until the parent has opened the address's view, the store still holds the previous
  // one, whose selected row must not be written over the new address.
  const viewKey = JSON.stringify(partitions);
  const open = useAppStore(
    (s) => s.browser.topic === route.topic && JSON.stringify(s.browser.partitions) === viewKey,
  );
  useEffect(() => {
    if (!open || (selected === null && !following)) return;
    const row = following || selected === null ? undefined : rowAt(selected);
    if (!following && !row) return;
    const at = topicRoute(route.topic, partitions, row);
    // The search in the address stays while the selection moves (SearchLinkSync).
    const next = route.search ? { ...at, search: route.search } : at;
    const href = hrefFor(next);
    if (href === lastWritten.current || href === hrefFor(route)) return;
    lastWritten.current = href;
    replaceRoute(next);
  }, [selected, following, open, version, rowAt, route, partitions, lastWritten]);
  return null;
}
