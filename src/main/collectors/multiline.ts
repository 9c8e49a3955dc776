/**
 * Joins lines into multi-line events (stack traces). In `start` mode a line matching the
 * pattern begins a new event and other lines are appended to the open one; in
 * `continuation` mode a matching line is appended and any other line begins a new event;
 * in `end` mode a matching line closes the open event (CRI/k8s-file logs, whose partial
 * lines `P` are closed by the next full line `F`).
 * An event is complete when the next one begins, when it reaches its line or byte limit,
 * or when the owner calls `flush()` after the flush timeout. The byte range of an event
 * runs from its first line's start to its last line's end, so the checkpoint can stay at
 * the start of an event that is still open.
 */
import type { MultilineConfig } from '../../common/collectors/config';
import { compileLinearRegex } from '../../common/regex/linear-regex';
import type { Line } from './lines';

export interface EventLines {
  start: number;
  end: number;
  text: Buffer;
  lines: number;
  cutFrom?: number;
  invalid: number;
}

const PRESETS: Record<NonNullable<MultilineConfig['preset']>, RegExp> = {
  // "\tat com.x.Y(Y.java:1)", "\t... 3 more", "Caused by: ...", "Suppressed: ..."
  java: /^(\s+at\s|\s+\.\.\.\s+\d+\s+more|\s*Caused by:|\s*Suppressed:|\s+)/,
  // Indented frames, the header, chained-exception banners and the final "XError: msg".
  python:
    /^(\s+|Traceback \(most recent call last\):|During handling of the above exception|The above exception was the direct cause|[A-Za-z_][\w.]*(Error|Exception|Warning|Exit|Interrupt)(:.*)?$)/,
  // "goroutine 1 [running]:", "main.main()", "\t/x/main.go:12 +0x1d", blank lines, "exit status 2"
  go: /^(\s|$|goroutine \d+ \[|[\w./*()-]+\(.*\)$|created by |exit status \d+)/,
};

export class MultilineJoiner {
  private readonly pattern: { test(text: string): boolean };
  private readonly mode: MultilineConfig['mode'];
  private open: Line[] = [];
  private openBytes = 0;
  /** Time the open event last grew, for the flush timeout. */
  lastGrowth = 0;

  constructor(private readonly config: MultilineConfig) {
    if (config.preset) {
      this.pattern = PRESETS[config.preset];
      this.mode = 'continuation';
    } else {
      this.pattern = compileLinearRegex(config.pattern ?? '^', { field: 'multiline.pattern' });
      this.mode = config.mode;
    }
  }

  /** Start offset of the open event, or null when none is open. */
  get pendingStart(): number | null {
    return this.open.length > 0 ? this.open[0].start : null;
  }

  /** Adds a line; returns the events it completes (zero or one, two when limits force it). */
  push(line: Line, now = Date.now()): EventLines[] {
    const done: EventLines[] = [];
    const text = line.text.toString('utf8');
    const matches = this.pattern.test(text);
    const begins = this.mode === 'start' ? matches : this.mode === 'continuation' && !matches;
    if (this.open.length > 0 && (begins || this.overLimit(line))) done.push(this.take());
    this.open.push(line);
    this.openBytes += line.text.length + 1;
    this.lastGrowth = now;
    const ends = this.mode === 'end' && matches;
    if (ends || this.open.length >= this.config.maxLines) done.push(this.take());
    return done;
  }

  /** Completes the open event, if any (flush timeout, end of a drained file, shutdown). */
  flush(): EventLines | null {
    return this.open.length > 0 ? this.take() : null;
  }

  /** Drops the open event (after a truncation, when its bytes are gone). */
  reset(): void {
    this.open = [];
    this.openBytes = 0;
  }

  private overLimit(line: Line): boolean {
    return this.openBytes + line.text.length > this.config.maxBytes;
  }

  private take(): EventLines {
    const lines = this.open;
    this.open = [];
    this.openBytes = 0;
    const parts: Buffer[] = [];
    let invalid = 0;
    let cut: number | undefined;
    for (let i = 0; i < lines.length; i++) {
      if (i > 0) parts.push(NL);
      parts.push(lines[i].text);
      invalid += lines[i].invalid;
      if (lines[i].cutFrom !== undefined) cut = (cut ?? 0) + lines[i].cutFrom!;
    }
    const event: EventLines = {
      start: lines[0].start,
      end: lines[lines.length - 1].end,
      text: lines.length === 1 ? lines[0].text : Buffer.concat(parts),
      lines: lines.length,
      invalid,
    };
    if (cut !== undefined) event.cutFrom = cut;
    return event;
  }
}

const NL = Buffer.from('\n');
