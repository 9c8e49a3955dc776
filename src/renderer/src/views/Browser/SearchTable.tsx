import { ArrowLeft, List, Rows3, TextSearch, X } from 'lucide-react';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { MessageRow } from '../../../../common/api/messages';
import { Button } from '../../components/ui/Button';
import { useAppStore } from '../../store';
import { formatCount } from '../Topics/format';
import { markerFor } from './highlight';
import {
  MessageTable,
  Row,
  TableHeader,
  templates,
  useTableColumns,
  useViewHeight,
  type Marker,
} from './MessageTable';
import { ROW_HEIGHT } from './scroll-math';
import './search-table.css';

/** Rows from the end of the hits at which the next page of the search is asked for. */
const MORE_AHEAD = 60;

/**
 * The message table as a filter of the view while a search is shown: its hits, in the same
 * columns, with what matched marked; scrolling near the end goes on with a search that
 * stopped at its limit. A hit's context (the messages around it in its partition) replaces
 * the hits until "Back to hits", which returns to the same place.
 */
export function SearchTable({
  onFacet,
  onOpen,
}: {
  onFacet?: (field: string) => void;
  onOpen: (row: MessageRow) => void;
}) {
  const show = useAppStore((s) => s.searchView.show);
  const query = useAppStore((s) => s.search.active?.query ?? null);
  const back = useAppStore((s) => s.backToHits);
  const mark = useMemo(() => markerFor(query), [query]);
  if (show === 'context') return <HitContextTable mark={mark} onOpen={onOpen} />;
  if (show === 'hits') return <HitsTable mark={mark} onFacet={onFacet} />;
  return (
    <div className="search-table">
      <div className="toolbar search-table-bar">
        <Button size="sm" icon={ArrowLeft} onClick={back} data-testid="back-to-hits">
          Back to hits
        </Button>
        <span className="muted">every message of the view</span>
      </div>
      <MessageTable onOpen={onOpen} onFacet={onFacet} />
    </div>
  );
}

function HitsTable({ mark, onFacet }: { mark?: Marker; onFacet?: (field: string) => void }) {
  const hits = useAppStore((s) => s.search.hits);
  const running = useAppStore((s) => s.search.running);
  const done = useAppStore((s) => s.search.done);
  const selected = useAppStore((s) => s.searchView.selectedHit);
  const revealSeq = useAppStore((s) => s.searchView.revealSeq);
  const savedTop = useAppStore((s) => s.searchView.hitsScrollTop);
  const selectHit = useAppStore((s) => s.selectHit);
  const keepScroll = useAppStore((s) => s.keepHitsScroll);
  const showContext = useAppStore((s) => s.showContext);
  const moreHits = useAppStore((s) => s.moreHits);
  const clearSearch = useAppStore((s) => s.clearSearch);
  const showAll = useAppStore((s) => s.showAllMessages);
  const seek = useAppStore((s) => s.seek);
  const openDetail = useAppStore((s) => s.openDetail);
  const columns = useTableColumns();
  const topics = useAppStore((s) => s.browser.topics);
  const openInView = (hit: MessageRow) => {
    showAll();
    // A timeline's hit names its topic: its offset is that topic's.
    const where = { partition: hit.partition, offset: hit.offset };
    void seek(
      hit.topic ? { kind: 'offset', topic: hit.topic, ...where } : { kind: 'offset', ...where },
    );
    void openDetail(hit.partition, hit.offset, hit.topic);
  };
  const ref = useRef<HTMLDivElement>(null);
  const [top, setTop] = useState(savedTop);
  const viewHeight = useViewHeight(ref);

  useLayoutEffect(() => {
    if (ref.current) ref.current.scrollTop = savedTop; // back from a hit's context: where it was
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // Keep the selected hit in view when it moves by keys or a click on the histogram (after
  // this table opened: back from a hit's context, it returns where it was).
  const openedAt = useRef(revealSeq);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || selected === null || revealSeq === openedAt.current) return;
    const y = selected * ROW_HEIGHT;
    let next = el.scrollTop;
    if (y < next) next = y;
    else if (y + ROW_HEIGHT > next + viewHeight) next = y + ROW_HEIGHT - viewHeight;
    if (next === el.scrollTop) return;
    el.scrollTop = next;
    setTop(next);
    keepScroll(next);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [revealSeq]);

  const first = top / ROW_HEIGHT;
  const firstIndex = Math.floor(first);
  const count = Math.ceil(viewHeight / ROW_HEIGHT) + 2;
  // Near the end of what was found, and the search stopped at its limit: go on.
  useEffect(() => {
    if (firstIndex + count + MORE_AHEAD >= hits.length && done?.reason === 'limit') moreHits();
  }, [firstIndex, count, hits.length, done, moreHits]);

  const onScroll = useCallback(() => {
    const t = ref.current?.scrollTop ?? 0;
    setTop(t);
    keepScroll(t);
  }, [keepScroll]);

  const open = useCallback((row: MessageRow) => void showContext(row), [showContext]);
  const selectedRow = selected === null ? undefined : hits[selected];
  const rows = [];
  const shift = (first - firstIndex) * ROW_HEIGHT;
  for (let i = 0; i < count && firstIndex + i < hits.length; i++) {
    const index = firstIndex + i;
    rows.push(
      <Row
        key={i}
        index={index}
        row={hits[index]}
        top={i * ROW_HEIGHT - shift}
        selected={index === selected}
        columns={columns}
        topics={topics}
        onSelect={selectHit}
        onOpen={open}
        mark={mark}
      />,
    );
  }

  const status = running
    ? `${formatCount(hits.length)} hits so far, searching…`
    : done?.reason === 'limit'
      ? `${formatCount(hits.length)} hits; more as you scroll down`
      : `${formatCount(hits.length)} hits`;
  return (
    <div className="search-table" data-testid="search-table">
      <div className="toolbar search-table-bar">
        <span className="muted" data-testid="hits-status">
          {status}
        </span>
        <span className="toolbar-spacer" />
        <Button
          size="sm"
          icon={TextSearch}
          disabled={!selectedRow}
          onClick={() => selectedRow && void showContext(selectedRow)}
          data-testid="show-context"
          title="The messages around the selected hit in its partition (or double-click a hit)"
        >
          Show context
        </Button>
        <Button
          size="sm"
          icon={Rows3}
          disabled={!selectedRow}
          onClick={() => selectedRow && openInView(selectedRow)}
          data-testid="open-in-view"
          title="The selected hit among every message of the view, with its detail"
        >
          Open in all messages
        </Button>
        <Button size="sm" icon={List} onClick={showAll} data-testid="all-messages">
          All messages
        </Button>
        <Button size="sm" variant="ghost" icon={X} onClick={clearSearch} data-testid="clear-search">
          Clear search
        </Button>
      </div>
      <div
        className="msg-table"
        style={templates(columns, topics !== null)}
        ref={ref}
        onScroll={onScroll}
        data-testid="hits-table"
        data-total={hits.length}
        data-first={firstIndex}
      >
        <TableHeader columns={columns} topics={topics} onFacet={onFacet} />
        <div style={{ height: hits.length * ROW_HEIGHT }}>
          <div className="msg-layer" style={{ height: viewHeight }}>
            {rows}
          </div>
        </div>
        {hits.length === 0 && !running && (
          <p className="muted msg-empty">
            No message of the view matches. Change the query or the range, or show all messages.
          </p>
        )}
      </div>
    </div>
  );
}

function HitContextTable({ mark, onOpen }: { mark?: Marker; onOpen: (row: MessageRow) => void }) {
  const context = useAppStore((s) => s.searchView.context);
  const back = useAppStore((s) => s.backToHits);
  const columns = useTableColumns();
  const topics = useAppStore((s) => s.browser.topics);
  const ref = useRef<HTMLDivElement>(null);
  const hitAt = context?.rows.findIndex(
    (r) => r.partition === context.hit.partition && r.offset === context.hit.offset,
  );
  // The hit a few rows from the top, what came before it above, what followed below.
  useLayoutEffect(() => {
    const el = ref.current;
    if (el && hitAt !== undefined && hitAt >= 0)
      el.scrollTop = Math.max(0, (hitAt - 5) * ROW_HEIGHT);
  }, [hitAt]);
  if (!context) return null;
  const noop = () => {};
  return (
    <div className="search-table" data-testid="hit-context">
      <div className="toolbar search-table-bar">
        <Button size="sm" icon={ArrowLeft} onClick={back} data-testid="back-to-hits">
          Back to hits
        </Button>
        <span className="muted">
          {formatCount(context.rows.length)} messages around {context.hit.partition}:
          {context.hit.offset} in partition {context.hit.partition}
          {context.hit.topic ? ` of ${context.hit.topic}` : ''}
        </span>
      </div>
      {context.error && <p className="inline-error">{context.error}</p>}
      <div className="msg-table" style={templates(columns, topics !== null)} ref={ref}>
        <TableHeader columns={columns} topics={topics} />
        <div style={{ height: context.rows.length * ROW_HEIGHT, position: 'relative' }}>
          {context.rows.map((row, i) => (
            <Row
              key={`${row.partition}:${row.offset}`}
              index={i}
              row={row}
              top={i * ROW_HEIGHT}
              selected={i === hitAt}
              columns={columns}
              topics={topics}
              onSelect={noop}
              onOpen={onOpen}
              mark={i === hitAt ? mark : undefined}
            />
          ))}
        </div>
      </div>
    </div>
  );
}
