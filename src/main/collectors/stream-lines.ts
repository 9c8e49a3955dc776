/**
 * Turns a byte stream (a child's stdout, a pipe) into records: split into lines with the
 * source's encoding and line limit, parse, build. Unlike a file, a stream has no offsets
 * worth recording, so records carry only the fixed headers given.
 */
import type { ProduceRecord } from '../cluster';
import type { RecordHeader } from '../storage/api';
import type { ParsingConfig } from '../../common/collectors/config';
import { LineSplitter, type Line } from './lines';
import type { Parser } from './parsers';
import { buildRecord } from './record';

export interface StreamCounters {
  lines: number;
  cutLines: number;
  parseErrors: number;
}

export class StreamLines {
  private readonly splitter: LineSplitter;

  constructor(
    private readonly topic: string,
    private readonly parsing: Pick<
      ParsingConfig,
      'encoding' | 'maxLineBytes' | 'fields' | 'timeFromLine' | 'timezone'
    >,
    private readonly parser: Parser | null,
    private readonly headers: RecordHeader[],
    private readonly counters: StreamCounters,
    private readonly clock: () => number = Date.now,
  ) {
    this.splitter = new LineSplitter(parsing.encoding, parsing.maxLineBytes);
  }

  /** Records for the lines this chunk completes. */
  push(chunk: Buffer): ProduceRecord[] {
    return this.build(this.splitter.push(chunk));
  }

  /** The last line when the stream ended without a newline. */
  end(): ProduceRecord[] {
    const last = this.splitter.flushPartial();
    return last ? this.build([last]) : [];
  }

  private build(lines: Line[]): ProduceRecord[] {
    const now = this.clock();
    const out: ProduceRecord[] = [];
    for (const l of lines) {
      const { record, parseError } = buildRecord(
        { text: l.text, cutFrom: l.cutFrom, invalid: l.invalid },
        {
          topic: this.topic,
          fixedHeaders: this.headers,
          parser: this.parser,
          fields: this.parsing.fields,
          key: { type: 'none' },
          now,
          timeFromLine: this.parsing.timeFromLine,
          timezone: this.parsing.timezone,
        },
      );
      out.push(record);
      this.counters.lines++;
      if (l.cutFrom !== undefined) this.counters.cutLines++;
      if (parseError) this.counters.parseErrors++;
    }
    return out;
  }
}
