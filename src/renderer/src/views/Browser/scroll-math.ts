/**
 * Scroll arithmetic of the message table. Browsers cap an element's height (Chromium at
 * about 33 million pixels), so 10 million rows of 24 px cannot have a spacer of their real
 * height. Past MAX_SCROLL_PX the scrollbar is scaled: its position maps linearly to a
 * fractional row index, rows are painted in a layer that stays in view, and every row is
 * still reachable by scrolling, dragging or keys. Below the cap this is ordinary 1:1
 * scrolling. (This is also why the table does not use @tanstack/react-virtual, which maps
 * rows to real pixel offsets.)
 */
export const ROW_HEIGHT = 24;
export const MAX_SCROLL_PX = 4_000_000;
/**
 * Rows shown above a row the person went to (a seek, a search hit): the sought row sits near
 * the top with a little of what came before it, and what follows it is in view (as in Kafka
 * UIs and lnav), not at the bottom of the screen.
 */
export const CONTEXT_ROWS = 3;

/** Where a row goes in the view: at the top, at the bottom, or near the top after context. */
export type Align = 'start' | 'end' | 'context';

export interface Geometry {
  total: number;
  viewHeight: number;
}

export function spacerHeight({ total }: Geometry): number {
  return Math.min(total * ROW_HEIGHT, MAX_SCROLL_PX);
}

export function visibleRows({ viewHeight }: Geometry): number {
  return Math.max(1, Math.floor(viewHeight / ROW_HEIGHT));
}

/** The highest first-row index: the last row sits at the bottom of the view. */
function maxFirst(g: Geometry): number {
  return Math.max(0, g.total - visibleRows(g));
}

function scaled(g: Geometry): boolean {
  return g.total * ROW_HEIGHT > MAX_SCROLL_PX;
}

/** The fractional index of the row at the top of the view for a scrollTop. */
export function firstRowAt(scrollTop: number, g: Geometry): number {
  if (!scaled(g)) return Math.max(0, scrollTop / ROW_HEIGHT);
  const maxScroll = spacerHeight(g) - g.viewHeight;
  if (maxScroll <= 0) return 0;
  return Math.min(1, Math.max(0, scrollTop / maxScroll)) * maxFirst(g);
}

/** The scrollTop that puts row `index` at the top (or bottom, for `end`) of the view. */
export function scrollTopFor(index: number, align: Align, g: Geometry): number {
  const first = firstFor(index, align, g);
  if (!scaled(g)) return first * ROW_HEIGHT;
  const m = maxFirst(g);
  return m === 0 ? 0 : (first / m) * (spacerHeight(g) - g.viewHeight);
}

/** The first row that puts `index` where `align` says, within bounds. */
export function firstFor(index: number, align: Align, g: Geometry): number {
  const above =
    align === 'end'
      ? visibleRows(g) - 1
      : align === 'context'
        ? Math.min(CONTEXT_ROWS, Math.floor((visibleRows(g) - 1) / 2))
        : 0;
  return Math.min(maxFirst(g), Math.max(0, index - above));
}

/** The first row that keeps row `index` in view, moving as little as possible. */
export function revealFirst(index: number, first: number, g: Geometry): number {
  if (index < Math.ceil(first)) return firstFor(index, 'start', g);
  if (index > Math.floor(first) + visibleRows(g) - 1) return firstFor(index, 'end', g);
  return first;
}

/**
 * The first row after the person scrolled from `prevTop` to `top`. Above the height cap
 * one pixel of scrollbar is several rows, so the view cannot follow the scrollbar pixel by
 * pixel: small moves (wheel, arrow keys, touchpad) move the rows by the same distance in
 * pixels, and only large moves (dragging the scrollbar) jump to where the scrollbar points.
 * The ends of the scrollbar are always the ends of the data.
 */
export function firstAfterScroll(first: number, prevTop: number, top: number, g: Geometry): number {
  if (!scaled(g)) return firstRowAt(top, g);
  const maxScroll = spacerHeight(g) - g.viewHeight;
  if (top <= 0) return 0;
  if (top >= maxScroll - 1) return maxFirst(g);
  const delta = top - prevTop;
  if (Math.abs(delta) > 3 * g.viewHeight) return firstRowAt(top, g);
  return Math.min(maxFirst(g), Math.max(0, first + delta / ROW_HEIGHT));
}
