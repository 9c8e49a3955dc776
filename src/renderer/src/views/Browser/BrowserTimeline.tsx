import { useEffect, useMemo } from 'react';
import { LOG_LEVELS } from '../../../../common/api/dashboard';
import { Button } from '../../components/ui/Button';
import { useAppStore } from '../../store';
import { SETTLE_MS } from '../../store/slices/recount';
import { columnsKeyOf } from '../../store/slices/view-source';
import { LEVEL_COLORS } from '../Dashboard/DashboardView';
import { chartBoxHeight, TimeChart } from '../ops-common/TimeChart';
import { formatCount } from '../Topics/format';

const CHART_HEIGHT = 96;

/**
 * Messages over time above the browser, stacked by level: the whole view (a topic, or a
 * timeline's topics), or a range dragged across it (which also seeks the table to the
 * range's start). A click seeks there; while a search's hits are shown, a click or a drag
 * selects the hit there instead.
 */
export function BrowserTimeline() {
  /** The view shown: a topic, or a timeline's topics. */
  const topic = useAppStore((s) => columnsKeyOf(s.browser));
  const several = useAppStore((s) => s.browser.topics !== null);
  const total = useAppStore((s) => s.browser.total);
  const timeline = useAppStore((s) => s.timeline);
  const error = useAppStore((s) => s.timelineError);
  const load = useAppStore((s) => s.loadTimeline);
  const seek = useAppStore((s) => s.seek);
  const partitions = useAppStore((s) => s.browser.partitions);
  const search = useAppStore((s) => s.search.active);
  const hitsShown = useAppStore((s) => s.search.active !== null && s.searchView.show === 'hits');
  const selectHitAt = useAppStore((s) => s.selectHitAt);
  /** A time picked on the chart: the hit there while the hits are shown, else the message. */
  const goTo = (t: number) =>
    hitsShown ? selectHitAt(t) : void seek({ kind: 'timestamp', timestamp: t });
  const whole = timeline?.view !== topic || timeline.whole;
  const view = `${topic}|${partitions?.join(',') ?? 'all'}`;

  // Counted again once the topic has grown and settled (not on every tail event), and no
  // oftener than the counts' cost allows (see recount.ts).
  useEffect(() => {
    if (topic === null || total === 0 || !whole) return;
    let t: ReturnType<typeof setTimeout>;
    const when = () => {
      const wait = useAppStore.getState().timelineRecountIn();
      if (wait > 0) t = setTimeout(when, wait);
      else void load();
    };
    t = setTimeout(when, timeline?.view === topic ? SETTLE_MS : 0);
    return () => clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [topic, total, whole, load]);

  // Another set of partitions, or a search started or cleared: counted again at once, over
  // the range shown.
  useEffect(() => {
    const t = useAppStore.getState().timeline;
    if (t?.view !== topic) return;
    void load(t.whole ? undefined : { from: t.from, to: t.to });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [view, search, load]);

  const chart = useMemo(() => {
    if (!timeline || timeline.view !== topic) return null;
    const used = LOG_LEVELS.filter((l) => timeline.buckets.some((b) => b.counts[l] > 0));
    return {
      times: timeline.buckets.map((b) => b.start),
      series: used.map((l) => ({
        label: l,
        color: LEVEL_COLORS[l],
        values: timeline.buckets.map((b) => b.counts[l]),
      })),
    };
  }, [timeline, topic]);

  if (topic === null || total === 0) return null;
  return (
    <div
      className="browser-timeline"
      data-testid="browser-timeline"
      data-from={timeline?.view === topic ? timeline.from : undefined}
      data-to={timeline?.view === topic ? timeline.to : undefined}
      data-search={timeline?.search ? 'true' : 'false'}
      data-counted={timeline?.view === topic && !timeline.running ? timeline.scanned : undefined}
    >
      {error && <p className="inline-error">{error}</p>}
      {/* The chart's and the note's places are kept while counting: the table below must
          not move when they arrive (a click aimed at a row would land on another). */}
      {!chart && <div className="ops-chart" style={{ minHeight: chartBoxHeight(CHART_HEIGHT) }} />}
      {chart && (
        <TimeChart
          times={chart.times}
          series={chart.series}
          bars
          height={CHART_HEIGHT}
          testId="timeline-chart"
          onClickTime={(t) => goTo(Math.floor(t))}
          onSelectRange={(from, to) => {
            goTo(from);
            void load({ from, to });
          }}
        />
      )}
      {(!timeline || timeline.view !== topic) && (
        <div className="timeline-note muted">Counting the messages over time…</div>
      )}
      {timeline && timeline.view === topic && (
        <div className="timeline-note muted">
          {timeline.search
            ? `${formatCount(timeline.scanned)} hits of the search${timeline.running ? ', counting…' : ''}${timeline.truncated ? ' (stopped at the limit)' : ''}`
            : `${formatCount(timeline.scanned)} messages${timeline.truncated ? ' (the newest of them)' : ''}`}
          ; drag across to narrow, click to go there.
          {!timeline.whole && (
            <Button size="sm" onClick={() => void load()} data-testid="timeline-whole">
              {several ? 'Whole timeline' : 'Whole topic'}
            </Button>
          )}
        </div>
      )}
    </div>
  );
}
