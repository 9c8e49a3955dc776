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
  testId,
}: TimeChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const click = useRef(onClickTime);
  click.current = onClickTime;
  const drawable = canDraw();

  useEffect(() => {
    const el = box.current;
    if (!el || !drawable) return;
    let plot: uPlot | null = null;
    let cancelled = false;
    // uPlot is loaded on first use: at import it reads matchMedia, which not every
    // environment the views run in (jsdom in tests) has.
    void import('uplot').then(({ default: UPlot }) => {
      if (cancelled) return;
      // Stacked bars are cumulative sums; the tallest must be drawn first so the shorter ones
      // stay visible in front of it, hence the reversed order.
      const values = bars ? stack(series).reverse() : series.map((s) => s.values);
      const shown = bars ? [...series].reverse() : series;
      const data: uPlot.AlignedData = [times.map((t) => t / 1000), ...values];
      plot = new UPlot(
        {
          width: Math.max(200, el.clientWidth || 600),
          height,
          legend: { show: true },
          cursor: { drag: { x: false, y: false } },
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
            })),
          ],
          axes: [{}, { size: 60 }],
          hooks: {
            ready: [
              (u) =>
                u.over.addEventListener('click', () => {
                  const idx = u.cursor.idx;
                  if (idx !== null && idx !== undefined && click.current) click.current(times[idx]);
                }),
            ],
          },
        },
        data,
        el,
      );
    });
    return () => {
      cancelled = true;
      plot?.destroy();
    };
  }, [times, series, height, bars, drawable]);

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
