/**
 * CRI / Podman k8s-file log lines: `<RFC 3339 time> <stream> <tag> <message>`, e.g.
 * `2026-12-07T01:02:03.456789+00:00 stdout F started`. Tag `P` marks a partial line (the
 * runtime split a long line), continued by the next line of the stream, up to one with
 * `F`. An event given here holds the `P` lines and their closing `F` line, joined by
 * newlines (multiline `end` mode); its message is their messages joined without them.
 */
import { parseTimestamp } from './time';
import type { Parsed } from './types';

const LINE = /^(\S+) (stdout|stderr) ([PF])(?: (.*))?$/s;

/** Multiline pattern of a line that closes an event. */
export const CRI_FULL_LINE = '^\\S+ (?:stdout|stderr) F';

export function parseCri(text: string, timezone: string): Parsed {
  const lines = text.split('\n');
  let message = '';
  let first: RegExpExecArray | null = null;
  for (const line of lines) {
    const m = LINE.exec(line);
    if (!m) return { error: 'not a CRI log line (<time> stdout|stderr P|F <message>)' };
    first ??= m;
    message += m[4] ?? '';
  }
  return {
    timestamp: parseTimestamp(first![1], timezone),
    message,
    fields: { stream: first![2] },
  };
}
