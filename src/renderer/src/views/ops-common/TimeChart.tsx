import { useEffect, useRef } from 'react';
import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

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

/** uPlot needs a canvas and matchMedia; in an environment without them we show a summary. */
function canDraw(): boolean {
  if (typeof window === 'undefined' || typeof window.matchMedia !== 'function') return false;
  try {
    return document.createElement('canvas').getContext('2d') !== null;
  } catch {
    return false;
  }
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
  const click = useRef(onClickTime);
  click.current = onClickTime;
  const select = useRef(onSelectRange);
  select.current = onSelectRange;
  const selectable = onSelectRange !== undefined;
  const drawable = canDraw();

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
      // Stacked bars are cumulative sums; the tallest must be drawn first so the shorter ones
      // stay visible in front of it, hence the reversed order.
      const values = bars ? stack(series).reverse() : series.map((s) => s.values);
      const shown = bars ? [...series].reverse() : series;
      const data: uPlot.AlignedData = [times.map((t) => t / 1000), ...values];
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
              value: (_u: uPlot, _v: number | null, _sidx: number, idx: number | null) =>
                idx === null ? '–' : formatValue(s.values[idx]),
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
                  if (idx !== null && idx !== undefined && click.current) click.current(times[idx]);
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
        data,
        el,
      );
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
    };
  }, [times, series, height, bars, drawable, selectable]);

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
  return <div className="ops-chart" ref={box} data-testid={testId} />;
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
