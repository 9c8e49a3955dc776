import {
  memo,
  useCallback,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  type CSSProperties,
  type ReactElement,
  type ReactNode,
  type RefObject,
} from 'react';
import { fieldLabel, fieldsOf, fieldTrack, type Fields } from './fields';
import type { MessageRow } from '../../../../common/api/messages';
import { useAppStore } from '../../store';
import { columnsKeyOf } from '../../store/slices/view-source';
import { TopicCell, topicColour } from '../Timeline/TopicCell';
import { formatTime } from '../Topics/format';
import {
  firstAfterScroll,
  firstFor,
  ROW_HEIGHT,
  revealFirst,
  scrollTopFor,
  spacerHeight,
  visibleRows,
  type Geometry,
} from './scroll-math';

/**
 * The virtualized message table: paints only the rows in view (plus none off-screen),
 * tells the store where it is on every move (the store fetches those rows and the ones
 * the motion will reach next, see store/slices/prefetch.ts), and shows a placeholder for
 * rows still loading. Works the same for 10 rows or 10 million (see scroll-math.ts).
 */
export function MessageTable({
  onOpen,
  onFacet,
}: {
  onOpen: (row: MessageRow) => void;
  /** A field column's header was clicked: show the top values of that field. */
  onFacet?: (field: string) => void;
}) {
  /** A timeline's topics: rows then show their topic first, in its colour. */
  const topics = useAppStore((s) => s.browser.topics);
  const columns = useTableColumns();
  const total = useAppStore((s) => s.browser.total);
  const version = useAppStore((s) => s.browser.version);
  const selected = useAppStore((s) => s.browser.selected);
  const scroll = useAppStore((s) => s.browser.scroll);
  const following = useAppStore((s) => s.browser.following);
  const rowAt = useAppStore((s) => s.rowAt);
  const showRows = useAppStore((s) => s.showRows);
  const select = useAppStore((s) => s.select);
  const setFollowing = useAppStore((s) => s.setFollowing);
  const ref = useRef<HTMLDivElement>(null);
  // The row at the top of the view (fractional: the first row may be partly scrolled
  // out). Kept as state of its own because above the height cap the scrollbar cannot
  // express every row (see firstAfterScroll).
  const [first, setFirst] = useState(0);
  /** `first` as of the latest scroll event, ahead of React's render of it. */
  const firstNow = useRef(0);
  const viewHeight = useViewHeight(ref);
  const lastTop = useRef(0);
  /** The scrollTop this component set last: its scroll event is not the person's. */
  const ownTop = useRef<number | null>(null);
  const geometry: Geometry = { total, viewHeight };
  // A scroll request from the store (seek, follow, keys) moves the rows in the very render
  // that brings it (React renders again at once, before committing): moved by the layout
  // effect below alone, every tail update of a following view rendered, laid out and
  // painted the rows twice, at the old place and then at the new.
  const [placedSeq, setPlacedSeq] = useState(scroll.seq);
  if (scroll.seq !== placedSeq) {
    setPlacedSeq(scroll.seq);
    setFirst(firstFor(scroll.index, scroll.align, geometry));
  }

  /** Shows `nextFirst` at the top and moves the scrollbar to match. */
  const placeFirst = (nextFirst: number, g: Geometry) => {
    const el = ref.current;
    if (!el) return;
    firstNow.current = nextFirst;
    // Already there when the render placed it (a scroll request): setting it again would
    // render the table once more for nothing.
    if (nextFirst !== first) setFirst(nextFirst);
    const top = scrollTopFor(nextFirst, 'start', g);
    if (Math.abs(el.scrollTop - top) >= 1) {
      ownTop.current = top;
      el.scrollTop = top;
    }
    lastTop.current = el.scrollTop;
  };

  // Scroll requests from the store (seek, follow, keys).
  useLayoutEffect(() => {
    if (scroll.seq === 0) return;
    const g = { total, viewHeight };
    placeFirst(firstFor(scroll.index, scroll.align, g), g);
    // total is read at request time on purpose: a later growth must not re-run this.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [scroll.seq, viewHeight]);

  // Keep the selected row in view when it moves by keys.
  useLayoutEffect(() => {
    if (selected === null) return;
    const g = { total, viewHeight };
    // firstNow, not the rendered `first`: a scroll request in the same commit (a seek) has
    // already moved the view, and revealing from the old place would undo it.
    const next = revealFirst(selected, firstNow.current, g);
    if (next !== firstNow.current) placeFirst(next, g);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selected]);

  const firstIndex = Math.floor(first);
  const count = visibleRows(geometry) + 2;

  // Also after seeks, growth and each arriving window (a request may have waited for a slot).
  // Where the view is now (firstNow, which this commit's layout effects have moved): asking
  // for the rendered place fetched, on every tail update of a following view, the old end's
  // page (marked stale by the growth) that nobody would see.
  useEffect(() => {
    showRows(Math.floor(firstNow.current), count);
  }, [firstIndex, count, total, version, showRows]);

  const onScroll = useCallback(() => {
    const el = ref.current;
    if (!el) return;
    const top = el.scrollTop;
    const own = ownTop.current !== null && Math.abs(top - ownTop.current) < 2;
    ownTop.current = null;
    const prevTop = lastTop.current;
    lastTop.current = top;
    if (own) return;
    // Scrolling up by hand pauses following; the view shows how many are waiting.
    if (top < prevTop - 1 && following) setFollowing(false);
    const next = firstAfterScroll(firstNow.current, prevTop, top, { total, viewHeight });
    firstNow.current = next;
    setFirst(next);
    // Ask now rather than after React has rendered and painted: a frame sooner.
    showRows(Math.floor(next), visibleRows({ total, viewHeight }) + 2);
  }, [following, setFollowing, showRows, total, viewHeight]);

  const rows: ReactElement[] = [];
  const shift = (first - firstIndex) * ROW_HEIGHT;
  for (let i = 0; i < count && firstIndex + i < total; i++) {
    const index = firstIndex + i;
    rows.push(
      <Row
        // Keyed by screen slot, not by row: scrolling updates the same DOM nodes in place
        // instead of removing and creating every row each frame.
        key={i}
        index={index}
        row={rowAt(index)}
        top={i * ROW_HEIGHT - shift}
        selected={index === selected}
        columns={columns}
        topics={topics}
        onSelect={select}
        onOpen={onOpen}
      />,
    );
  }

  return (
    <div
      className="msg-table"
      style={templates(columns, topics !== null)}
      data-columns={columns.join(',')}
      ref={ref}
      onScroll={onScroll}
      data-testid="msg-table"
      data-total={total}
      data-first={firstIndex}
    >
      <TableHeader columns={columns} topics={topics} onFacet={onFacet} />
      <div style={{ height: spacerHeight(geometry) }}>
        <div className="msg-layer" style={{ height: viewHeight }}>
          {rows}
        </div>
      </div>
      {total === 0 && <p className="muted msg-empty">No messages in this view.</p>}
    </div>
  );
}

/** The table's header row; a field column's header shows that field's top values. */
export function TableHeader({
  columns,
  topics = null,
  onFacet,
}: {
  columns: readonly string[];
  topics?: readonly string[] | null;
  onFacet?: (field: string) => void;
}) {
  return (
    <div className="msg-header msg-grid" role="row">
      {topics && <span>Topic</span>}
      <span>Offset</span>
      <span className="col-p">P</span>
      <span>Timestamp</span>
      <span>Level</span>
      <span>Key</span>
      {columns.map((name) => (
        <span key={name} className="col-field">
          <button
            type="button"
            className="col-head"
            title={`Top values of ${name}`}
            onClick={() => onFacet?.(name)}
            data-testid={`col-${name}`}
          >
            {fieldLabel(name)}
          </button>
        </span>
      ))}
      <span>Value</span>
      <span className="col-headers">Headers</span>
    </div>
  );
}

interface RowProps {
  index: number;
  row: MessageRow | undefined;
  top: number;
  selected: boolean;
  columns: readonly string[];
  topics: readonly string[] | null;
  onSelect: (index: number) => void;
  onOpen: (row: MessageRow) => void;
  /** Marks what a search matched in the key, value and field cells. */
  mark?: Marker;
}

/** Text with what a search matched wrapped in <mark>. */
export type Marker = (text: string) => ReactNode;
const plain: Marker = (text) => text;

export const Row = memo(function Row({
  index,
  row,
  top,
  selected,
  columns,
  topics,
  onSelect,
  onOpen,
  mark = plain,
}: RowProps) {
  const style = { transform: `translateY(${top}px)` };
  if (!row) {
    return (
      <div
        className="msg-row msg-grid loading"
        style={style}
        data-testid="msg-row-loading"
        data-index={index}
        onClick={() => onSelect(index)}
      >
        <span className="muted">…</span>
      </div>
    );
  }
  const level = row.level ?? '';
  return (
    <div
      className={`msg-row msg-grid${selected ? ' selected' : ''}`}
      style={style}
      role="row"
      aria-selected={selected}
      data-testid="msg-row"
      data-index={index}
      data-partition={row.partition}
      data-offset={row.offset}
      data-topic={row.topic}
      onClick={() => onSelect(index)}
      onDoubleClick={() => onOpen(row)}
    >
      {topics && <TopicCell topic={row.topic} colour={topicColour(topics, row.topic)} />}
      <span className="num">{row.offset}</span>
      <span className="num col-p">{row.partition}</span>
      <span>{formatTime(row.timestamp)}</span>
      <span className={`level level-${level.toLowerCase()}`}>{level}</span>
      <span className="mono">{row.key ? mark(row.key.text) : <em className="muted">null</em>}</span>
      {columns.length > 0 && <FieldCells fields={fieldsOf(row)} columns={columns} mark={mark} />}
      <span className="mono value">
        {row.value ? mark(oneLine(row.value.text)) : <em className="muted">null</em>}
      </span>
      <span className="muted col-headers">
        {row.headers.length
          ? `${row.headers.length + (row.headersOmitted ?? 0)}: ${row.headers.map((h) => h.key).join(', ')}${row.headersOmitted ? ', …' : ''}`
          : ''}
      </span>
    </div>
  );
});

function FieldCells({
  fields,
  columns,
  mark,
}: {
  fields: Fields;
  columns: readonly string[];
  mark: Marker;
}) {
  return columns.map((name) => {
    const v = fields.get(name);
    return (
      <span key={name} className="mono field" title={v}>
        {v === undefined ? '' : mark(oneLine(v))}
      </span>
    );
  });
}

const NO_COLUMNS: readonly string[] = [];

/** The field columns the open view shows (none in Raw mode). */
export function useTableColumns(): readonly string[] {
  const key = useAppStore((s) => columnsKeyOf(s.browser));
  const showFields = useAppStore((s) => s.showFields);
  const chosen = useAppStore((s) => (key === null ? undefined : s.chosenColumns[key]));
  const defaults = useAppStore((s) => (key === null ? undefined : s.defaultColumns[key]));
  return showFields ? (chosen ?? defaults ?? NO_COLUMNS) : NO_COLUMNS;
}

/** The height a table has for rows (below its header), measured again as it resizes. */
export function useViewHeight(ref: RefObject<HTMLDivElement | null>): number {
  const [viewHeight, setViewHeight] = useState(600);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setViewHeight(Math.max(ROW_HEIGHT, el.clientHeight - ROW_HEIGHT));
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref]);
  return viewHeight;
}

/**
 * The grid's column tracks for the field columns in view: wide, and narrow (the table under
 * 720 px, where the partition and headers columns give way; see browser.css).
 */
export function templates(columns: readonly string[], withTopic = false): CSSProperties {
  const fields = columns.map(fieldTrack);
  // A timeline's rows start with their topic.
  const topic = withTopic ? ['minmax(64px, 120px)'] : [];
  const wide = [...topic, '84px', '28px', '172px', '56px', 'minmax(48px, 120px)', ...fields];
  // Narrow, every column may shrink to a few letters so that none is pushed out of view.
  const narrowFields = fields.map((t) => t.replace(/minmax\(\d+px/, 'minmax(36px'));
  const narrowTopic = withTopic ? ['minmax(48px, 96px)'] : [];
  const narrow = [
    ...narrowTopic,
    '64px',
    'minmax(96px, 172px)',
    '48px',
    'minmax(32px, 90px)',
    ...narrowFields,
  ];
  const value = columns.length > 0 ? 'minmax(120px, 1fr)' : 'minmax(160px, 1fr)';
  return {
    '--cols': [...wide, value, 'minmax(56px, 110px)'].join(' '),
    '--cols-narrow': [
      ...narrow,
      columns.length > 0 ? 'minmax(48px, 1fr)' : 'minmax(100px, 1fr)',
    ].join(' '),
  } as CSSProperties;
}

function oneLine(s: string): string {
  return s.length > 300 ? s.slice(0, 300).replace(/\s+/g, ' ') : s.replace(/\s+/g, ' ');
}
