/** Formatting and parsing shared by the operations views (groups, collectors, settings...). */

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** 1536 -> "1.5 KiB"; -1 -> "unlimited". */
export function formatBytes(bytes: number): string {
  if (bytes < 0) return 'unlimited';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${UNITS[unit]}`;
}

const DURATION_UNITS: [string, number][] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
  ['ms', 1],
];

/** 90_000_000 -> "1d 1h"; -1 -> "forever". Shows at most two units. */
export function formatDuration(ms: number): string {
  if (ms < 0) return 'forever';
  if (ms === 0) return '0s';
  const parts: string[] = [];
  let rest = ms;
  for (const [name, size] of DURATION_UNITS) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${name}`);
      rest %= size;
    }
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}

/**
 * Parses a duration typed by a person: "7d", "12h 30m", "90s", "250ms", a plain number of
 * milliseconds, or "forever"/"-1". Returns null when it is not one of these.
 */
export function parseDuration(text: string): number | null {
  const t = text.trim().toLowerCase();
  if (t === 'forever' || t === '-1') return -1;
  if (/^\d+$/.test(t)) return Number(t);
  const re = /(\d+(?:\.\d+)?)\s*(ms|d|h|m|s)/g;
  let total = 0;
  let consumed = '';
  for (const m of t.matchAll(re)) {
    total += Number(m[1]) * DURATION_UNITS.find(([n]) => n === m[2])![1];
    consumed += m[0];
  }
  if (consumed.replace(/\s/g, '') !== t.replace(/\s/g, '') || consumed === '') return null;
  return Math.round(total);
}

/** Parses "512MiB", "1 GB", "10k", a plain number of bytes, or "unlimited"/"-1". */
export function parseBytes(text: string): number | null {
  const t = text.trim().toLowerCase();
  if (t === 'unlimited' || t === '-1') return -1;
  const m = /^(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib|t|tb|tib)?$/.exec(t);
  if (!m) return null;
  const power = { b: 0, k: 1, m: 2, g: 3, t: 4 }[(m[2] ?? 'b')[0] as 'b' | 'k' | 'm' | 'g' | 't'];
  return Math.round(Number(m[1]) * 1024 ** power);
}

/** Local date and time, to the second: "2024-05-01 13:45:10". */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  );
}

/** The value of an <input type="datetime-local"> for a time, and back (local time). */
export function toDateTimeInput(ms: number): string {
  return formatTime(ms).replace(' ', 'T');
}

export function fromDateTimeInput(value: string): number | null {
  if (!value) return null;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? null : ms;
}

/** Rounds a rate for display: 0.25 -> "0.25", 1234.5 -> "1235". */
export function formatRate(rate: number): string {
  return rate >= 100 ? String(Math.round(rate)) : rate.toFixed(rate >= 10 ? 1 : 2);
}
