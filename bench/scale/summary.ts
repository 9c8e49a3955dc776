/**
 * The closing table of `npm run bench scale`: every figure of issue 18 on one row with the
 * peer measured in the same run, their ratio where one means something, the target and
 * whether it was met.
 */
export interface Row {
  figure: string;
  value: string;
  peer: string;
  /** e.g. "2.10x"; "" where the peer is context, not a yardstick. */
  ratio: string;
  target: string;
  /** null: not measured (section skipped or failed). */
  met: boolean | null;
}

export const ms = (v: number): string => `${v.toFixed(1)} ms`;
export const secs = (v: number): string => `${(v / 1000).toFixed(2)} s`;
export const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(0)} MB`;
export const perSec = (v: number, unit: string): string =>
  `${Math.round(v).toLocaleString('en')} ${unit}/s`;
export const times = (v: number): string => (Number.isFinite(v) ? `${v.toFixed(2)}x` : '');

/** A row for a figure a section could not measure, naming why. */
export function missing(figure: string, target: string, why: string): Row {
  return { figure, value: why, peer: '', ratio: '', target, met: null };
}

/** Prints the rows as a Markdown table (readable as text, pastes into the docs). */
export function printSummary(rows: Row[], say: (line: string) => void): void {
  const cells = rows.map((r) => [
    r.figure,
    r.value,
    r.peer,
    r.ratio,
    r.target,
    r.met === null ? 'not measured' : r.met ? 'met' : 'NOT met',
  ]);
  const head = ['figure', 'measured', 'peer (same run)', 'ratio', 'target', 'met'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => `| ${c.map((v, i) => v.padEnd(widths[i])).join(' | ')} |`;
  say(line(head));
  say(line(widths.map((w) => '-'.repeat(w))));
  for (const c of cells) say(line(c));
  const met = rows.filter((r) => r.met).length;
  const measured = rows.filter((r) => r.met !== null).length;
  say(`${met} of ${measured} measured targets met; ${rows.length - measured} not measured`);
}
