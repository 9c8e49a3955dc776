/** Display helpers shared by the topics and browser views. */

/** A size in bytes for people; -1 (a remote cluster that does not say) is "not available". */
export function formatBytes(n: number): string {
  if (n < 0) return 'not available';
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

// One formatter for the whole app: toLocaleString builds a new one per call, which shows
// up in profiles of fast scrolling.
const COUNT_FORMAT = new Intl.NumberFormat('en-US');

export function formatCount(n: number): string {
  return COUNT_FORMAT.format(n);
}

export function formatDuration(ms: number): string {
  if (ms < 0) return 'forever';
  const s = ms / 1000;
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 90 * 60) return `${Math.round(s / 60)} min`;
  if (s < 48 * 3600) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} d`;
}

/** "2026-05-01 10:00:00.123" in local time. */
export function formatTime(ts: number): string {
  if (!Number.isFinite(ts) || ts < 0) return '—';
  const d = new Date(ts);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

export function formatAgo(ts: number | null, now = Date.now()): string {
  if (ts === null) return 'never';
  const s = Math.max(0, Math.round((now - ts) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

/**
 * Parses what a person types as a time: ISO 8601, `2026-05-01 10:00[:00[.123]]` (local
 * time), or epoch milliseconds. Returns null when it is not a real date (e.g. month 13).
 */
export function parseTimeInput(text: string): number | null {
  const s = text.trim();
  if (/^\d{10,16}$/.test(s)) return Number(s);
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?$/.exec(
    s,
  );
  if (m) {
    const [y, mo, d, h = '0', mi = '0', sec = '0', ms = '0'] = m.slice(1);
    const date = new Date(+y, +mo - 1, +d, +h, +mi, +sec, +ms.padEnd(3, '0'));
    // Date rolls 2026-02-30 over to March: reject anything that did not stay as typed.
    if (date.getFullYear() !== +y || date.getMonth() !== +mo - 1 || date.getDate() !== +d)
      return null;
    if (date.getHours() !== +h || date.getMinutes() !== +mi || date.getSeconds() !== +sec)
      return null;
    return date.getTime();
  }
  if (/^\d{4}-\d{2}-\d{2}T.+(Z|[+-]\d{2}:?\d{2})$/.test(s)) {
    const t = Date.parse(s);
    return Number.isNaN(t) ? null : t;
  }
  return null;
}

export const TIME_INPUT_HELP =
  'use 2026-05-01 10:00:00 (local time), ISO 8601 with a zone, or epoch milliseconds';
