/**
 * `preview(config, { lines })`: how the first lines of the first file matching a (possibly
 * unsaved) file source would be split, joined and parsed — nothing is produced or stored.
 */
import { open } from 'node:fs/promises';
import type { FileSourceConfig } from '../../common/collectors/config';
import { GlobMatcher } from './discovery';
import { LineSplitter } from './lines';
import { MultilineJoiner, type EventLines } from './multiline';
import { createParser } from './parsers';

export interface PreviewEvent {
  text: string;
  lines: number;
  timestamp: number | null;
  level: string | null;
  key: string | null;
  fields: Record<string, string>;
  parseError: string | null;
}

export interface PreviewResult {
  file: string | null;
  matchedFiles: string[];
  /** Present (true) when the walk or the list was cut: more files may match. */
  incomplete?: boolean;
  events: PreviewEvent[];
}

const PREVIEW_BYTES = 4 * 1024 * 1024;

/**
 * How far a preview looks. A glob such as `/**` walked the whole file system (minutes, a
 * path kept per file found, and every one of them in the answer) for each preview asked,
 * and nothing could stop it; a form shows the first file and a count.
 */
export interface PreviewLimits {
  /** Directory entries looked at before the walk stops. */
  entries: number;
  /** Matched files listed in the answer. */
  files: number;
}

export const PREVIEW_LIMITS: PreviewLimits = { entries: 100_000, files: 1000 };

export async function previewFileSource(
  config: FileSourceConfig,
  maxEvents: number,
  limits: PreviewLimits = PREVIEW_LIMITS,
): Promise<PreviewResult> {
  const matcher = new GlobMatcher(config.include, config.exclude, undefined, limits.entries);
  const found = await matcher.discover();
  const all = [...found.files.keys()].sort();
  const matchedFiles = all.slice(0, limits.files);
  const incomplete = matcher.exhausted || all.length > matchedFiles.length;
  const file = matchedFiles[0] ?? null;
  if (!file) return { file, matchedFiles, ...(incomplete ? { incomplete } : {}), events: [] };
  const fh = await open(file, 'r');
  let bytes: Buffer;
  try {
    const buf = Buffer.alloc(Math.min(PREVIEW_BYTES, found.files.get(file)!.size));
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    bytes = buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
  const splitter = new LineSplitter(config.encoding, config.maxLineBytes);
  const joiner = config.multiline ? new MultilineJoiner(config.multiline) : null;
  const events: EventLines[] = [];
  const lines = splitter.push(bytes);
  const last = splitter.flushPartial();
  if (last) lines.push(last);
  for (const l of lines) {
    if (events.length >= maxEvents) break;
    if (joiner) events.push(...joiner.push(l));
    else events.push({ ...l, lines: 1 });
  }
  const tail = joiner?.flush();
  if (tail && events.length < maxEvents) events.push(tail);
  const parser = createParser(config.parser, config.timezone);
  return {
    file,
    matchedFiles,
    ...(incomplete ? { incomplete } : {}),
    events: events.slice(0, maxEvents).map((ev) => {
      const text = ev.text.toString('utf8');
      const parsed = parser ? parser(text) : {};
      const k = config.key;
      const key =
        k.type === 'path'
          ? file
          : k.type === 'field'
            ? ((k.field === 'level'
                ? parsed.level
                : k.field === 'message'
                  ? parsed.message
                  : parsed.fields?.[k.field]) ?? null)
            : null;
      return {
        text,
        lines: ev.lines,
        timestamp: parsed.error ? null : (parsed.timestamp ?? null),
        level: parsed.level ?? null,
        key,
        fields: parsed.fields ?? {},
        parseError: parsed.error ?? null,
      };
    }),
  };
}
