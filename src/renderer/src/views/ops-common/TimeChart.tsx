import { useEffect, useRef } from 'react';
import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './time-chart.css';
import { useThemeKey } from './use-theme-key';

/** The height of one line of the legend, fixed in time-chart.css. */
const LEGEND_LINE_PX = 24;

/**
 * The height a chart's box takes once drawn (canvas and a one-line legend), reserved from its
 * first render: uPlot is loaded and built asynchronously, and content below that moved when
 * it appeared would move under the pointer.
 */
export function chartBoxHeight(height: number): number {
  return height + LEGEND_LINE_PX;
}

export interface ChartSeries {
  label: string;
  /** One value per x; null leaves a gap. */
  values: (number | null)[];
  color: string;
}

export interface TimeChartProps {
  /** X values in milliseconds since the epoch. */
  times: number[];
  series: ChartSeries[];
  height?: number;
  /** Stacked bars instead of lines (the level histogram). */
  bars?: boolean;
  /** Called with the time of the clicked x position. */
  onClickTime?: (ms: number) => void;
  /** Dragging across the chart selects a time range [from, to) in ms (and no click is sent). */
  onSelectRange?: (from: number, to: number) => void;
  testId?: string;
}

let drawable: boolean | undefined;

/**
 * uPlot needs a canvas and matchMedia; in an environment without them we show a summary.
 * Probed once: a canvas and its 2D context per render cost the browser's following view
 * 49-73 ms of script per loaded phase of the loop bench (every tail update renders the chart).
 */
function canDraw(): boolean {
  drawable ??= probeCanvas();
  return drawable;
}

function probeCanvas(): boolean {
  if (typeof window === 'undefined' || typeof window.matchMedia !== 'function') return false;
  try {
    return document.createElement('canvas').getContext('2d') !== null;
  } catch {
    return false;
  }
}

/**
 * Loads uPlot ahead of the first chart, when the page is idle: its first import took up to
 * 141 ms of script in one frame when a followed topic's histogram first appeared under load.
 */
export function preloadChart(): void {
  if (canDraw()) void import('uplot');
}

/**
 * A time-series chart (uPlot). The data arrive as separate arrays per series, uPlot's own
 * columnar layout, so a refresh does no reshaping. Bars are stacked by summing series in order.
 */
export function TimeChart({
  times,
  series,
  height = 180,
  bars,
  onClickTime,
  onSelectRange,
  testId,
}: TimeChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | null>(null);
  // The chart's callbacks read the latest props through refs: new data update the chart in
  // place (setData) instead of rebuilding it, which cost 116-147 ms of script and layout per
  // refresh under load (issue 18).
  const click = useRef(onClickTime);
  click.current = onClickTime;
  const select = useRef(onSelectRange);
  select.current = onSelectRange;
  const latest = useRef({ times, series });
  latest.current = { times, series };
  const selectable = onSelectRange !== undefined;
  const drawable = canDraw();
  // What the chart is built from besides its data; a change of these builds it anew.
  // The theme is part of it: the axis colours are resolved once, when the chart is built.
  const theme = useThemeKey();
  const shape = JSON.stringify([
    series.map((s) => [s.label, s.color]),
    height,
    !!bars,
    selectable,
    theme,
  ]);

  useEffect(() => {
    const el = box.current;
    if (!el || !drawable) return;
    let plot: uPlot | null = null;
    let cancelled = false;
    let resize: ResizeObserver | null = null;
    let selectedAt = -Infinity;
    // uPlot is loaded on first use: at import it reads matchMedia, which not every
    // environment the views run in (jsdom in tests) has.
    void import('uplot').then(({ default: UPlot }) => {
      if (cancelled) return;
      const { series: built } = latest.current;
      const shown = bars ? [...built].reverse() : built;
      const colors = themeColors(el);
      const axis = {
        stroke: colors.text,
        grid: { stroke: colors.grid },
        ticks: { stroke: colors.grid },
      };
      plot = new UPlot(
        {
          width: Math.max(200, el.clientWidth || 600),
          height,
          legend: { show: true, live: true },
          cursor: { drag: { x: selectable, y: false, setScale: false } },
          series: [
            {},
            ...shown.map((s) => ({
              label: s.label,
              stroke: s.color,
              fill: bars ? s.color : undefined,
              // Bars are drawn by their fill; an outline would draw a line along empty buckets.
              width: bars ? 0 : 1.5,
              paths: bars ? UPlot.paths.bars!({ size: [0.9, 40] }) : undefined,
              points: { show: false },
              // The legend shows the series' own value, not the stacked sum drawn.
              value: (_u: uPlot, _v: number | null, sidx: number, idx: number | null) =>
                idx === null ? '–' : formatValue(ownValues(latest.current.series, sidx, bars)[idx]),
            })),
          ],
          axes: [axis, { ...axis, size: yAxisSize, values: (_u, ticks) => ticks.map(formatValue) }],
          hooks: {
            ready: [
              (u) =>
                u.over.addEventListener('click', () => {
                  // The click that ends a drag is part of the selection, not a click of its own.
                  if (selectedAt > performance.now() - 300) return;
                  const idx = u.cursor.idx;
                  const t =
                    idx === null || idx === undefined ? undefined : latest.current.times[idx];
                  if (t !== undefined && click.current) click.current(t);
                }),
              (u) => u.setLegend({ idx: lastIndex(u) }, false),
            ],
            setSelect: [
              (u) => {
                if (u.select.width < 3 || !select.current) return;
                const from = u.posToVal(u.select.left, 'x') * 1000;
                const to = u.posToVal(u.select.left + u.select.width, 'x') * 1000;
                u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
                selectedAt = performance.now();
                select.current(Math.floor(from), Math.ceil(to));
              },
            ],
            // Away from the cursor the legend shows the latest values rather than "--".
            setLegend: [
              (u) => {
                if (u.legend.idx === null || u.legend.idx === undefined)
                  u.setLegend({ idx: lastIndex(u) }, false);
              },
            ],
          },
        },
        chartData(latest.current.times, built, bars),
        el,
      );
      plotRef.current = plot;
      markDrawn(el, latest.current.times);
      resize = new ResizeObserver(() => {
        const width = Math.max(200, el.clientWidth);
        if (plot && Math.abs(plot.width - width) > 1) plot.setSize({ width, height });
      });
      resize.observe(el);
    });
    return () => {
      cancelled = true;
      resize?.disconnect();
      plot?.destroy();
      plotRef.current = null;
    };
    // The data are read from `latest`; only a change of shape builds a new chart.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shape, drawable]);

  // New data of the same shape: drawn in place. (Before the chart exists, it is built from them.)
  useEffect(() => {
    const plot = plotRef.current;
    if (!plot || !box.current) return;
    plot.setData(chartData(times, series, bars));
    if (plot.cursor.idx === null || plot.cursor.idx === undefined)
      plot.setLegend({ idx: lastIndex(plot) }, false);
    markDrawn(box.current, times);
  }, [times, series, bars]);

  if (!drawable) {
    return (
      <div className="ops-chart-fallback" data-testid={testId}>
        {series.map((s) => (
          <span key={s.label}>
            {s.label}: {last(s.values)}
          </span>
        ))}
      </div>
    );
  }
  return (
    <div
      className="ops-chart"
      ref={box}
      style={{ minHeight: chartBoxHeight(height) }}
      data-testid={testId}
    />
  );
}

/**
 * The theme's text and grid colours for the canvas. The variables hold light-dark() pairs,
 * so each is resolved by the browser on a probe element rather than read as text.
 */
function themeColors(el: HTMLElement): { text: string; grid: string } {
  const probe = document.createElement('span');
  el.appendChild(probe);
  const resolve = (variable: string, fallback: string) => {
    probe.style.color = `var(${variable}, ${fallback})`;
    return getComputedStyle(probe).color || fallback;
  };
  const colors = {
    text: resolve('--fg-muted', '#586173'),
    grid: resolve('--chart-grid', 'rgba(0,0,0,0.08)'),
  };
  probe.remove();
  return colors;
}

/** uPlot's columnar data: x in seconds, then each series (stacked and reversed for bars). */
function chartData(times: number[], series: ChartSeries[], bars?: boolean): uPlot.AlignedData {
  // Stacked bars are cumulative sums; the tallest must be drawn first so the shorter ones
  // stay visible in front of it, hence the reversed order.
  const values = bars ? stack(series).reverse() : series.map((s) => s.values);
  return [times.map((t) => t / 1000), ...values];
}

/** The values of uPlot's series `sidx` (1-based) as given, undoing the reversal of bars. */
function ownValues(series: ChartSeries[], sidx: number, bars?: boolean): (number | null)[] {
  return series[bars ? series.length - sidx : sidx - 1]?.values ?? [];
}

/** What the canvas shows, for tests to wait on: the number of points and the first and last x. */
function markDrawn(el: HTMLElement, times: number[]): void {
  el.dataset.drawn = `${times.length}:${times[0] ?? ''}:${times[times.length - 1] ?? ''}`;
}

function lastIndex(u: uPlot): number {
  return Math.max(0, u.data[0].length - 1);
}

const compact = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

function formatValue(v: number | null | undefined): string {
  return v === null || v === undefined ? '–' : compact.format(v);
}

/**
 * The y axis is as wide as its longest label (uPlot's default width cuts "800,000" to its
 * last digits): the labels are measured in the axis font.
 */
function yAxisSize(u: uPlot, values: string[] | null, axisIdx: number, cycle: number): number {
  // uPlot keeps the size it settled on in `_size` (not in its types); reuse it on later cycles.
  const axis = u.axes[axisIdx] as uPlot.Axis & { _size?: number };
  if (cycle > 1 && axis._size) return axis._size;
  const longest = (values ?? []).reduce((a, v) => (v.length > a.length ? v : a), '');
  u.ctx.font = axis.font?.[0] ?? '12px sans-serif';
  const text = u.ctx.measureText(longest).width / (window.devicePixelRatio || 1);
  return Math.ceil((axis.ticks?.size ?? 10) + (axis.gap ?? 5) + text + 8);
}

function last(values: (number | null)[]): string {
  for (let i = values.length - 1; i >= 0; i--) if (values[i] !== null) return String(values[i]);
  return '–';
}

/** Cumulative sums so that drawing series i over i-1 shows a stacked bar. Drawn top first. */
function stack(series: ChartSeries[]): (number | null)[][] {
  const out: number[][] = [];
  series.forEach((s, i) => {
    out.push(s.values.map((v, j) => (v ?? 0) + (i > 0 ? out[i - 1][j] : 0)));
  });
  return out;
}
