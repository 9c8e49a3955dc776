/**
 * Journal entries already read, by sequence: a cursor's `s=` names the sequence its entries
 * are numbered in (one per journal writer, e.g. each file systemd-journal-remote writes) and
 * `i=` is the entry's number in it, growing in write order. Used when a journal file that
 * appeared late is read from its start on its own (journald-source.ts): the merged stream
 * that goes on afterwards holds that file's entries again, and these marks drop them.
 */
import type { Cluster } from '../../cluster';
import { H, headerString } from '../record';
import { CURSOR_HEADER, Kind, kindOf } from './entry';
import type { FieldTable } from './export-format';

export class SeqnumMarks {
  private readonly high = new Map<string, bigint>();

  get size(): number {
    return this.high.size;
  }

  /** Notes the entry `cursor` as read. */
  note(cursor: string): void {
    const at = parseCursor(cursor);
    if (!at) return;
    const mark = this.high.get(at.seqnumId);
    if (mark === undefined || at.seqnum > mark) this.high.set(at.seqnumId, at.seqnum);
  }

  /** True when the entry `cursor` is at or below its sequence's mark (read already). */
  covers(cursor: string): boolean {
    const at = parseCursor(cursor);
    if (!at) return false;
    const mark = this.high.get(at.seqnumId);
    return mark !== undefined && at.seqnum <= mark;
  }

  clear(): void {
    this.high.clear();
  }
}

/** `s=` and `i=` of a journal cursor (`s=…;i=…;b=…;m=…;t=…;x=…`), or null. */
export function parseCursor(cursor: string): { seqnumId: string; seqnum: bigint } | null {
  const s = /(?:^|;)s=([0-9a-f]+)(?:;|$)/.exec(cursor);
  const i = /(?:^|;)i=([0-9a-f]+)(?:;|$)/.exec(cursor);
  return s && i ? { seqnumId: s[1], seqnum: BigInt(`0x${i[1]}`) } : null;
}

/** The `__CURSOR` of an entry as journalctl wrote it, or null. */
export function cursorOf(t: FieldTable): string | null {
  for (let i = 0; i < t.count; i++) {
    const k = i * 4;
    if (kindOf(t.buf, t.at[k], t.at[k + 1]) === Kind.cursor)
      return t.buf.toString('latin1', t.at[k + 2], t.at[k + 3]);
  }
  return null;
}

/** Marks of every entry of `sourceId` stored in partition 0 of `topic` from `from` on. */
export async function storedSince(
  cluster: Cluster,
  topic: string,
  sourceId: string,
  from: number,
): Promise<SeqnumMarks> {
  const marks = new SeqnumMarks();
  const p = (await cluster.describeTopic(topic)).partitions.find((x) => x.partition === 0);
  let offset = Math.max(from, p?.logStartOffset ?? 0);
  while (p && offset < p.logEndOffset) {
    const records = await cluster.readRecords(topic, 0, offset, { maxRecords: 1000 });
    if (records.length === 0) break;
    for (const r of records) {
      if (headerString(r.headers, H.source) !== sourceId) continue;
      const cursor = headerString(r.headers, CURSOR_HEADER);
      if (cursor) marks.note(cursor);
    }
    offset = records[records.length - 1].offset + 1;
  }
  return marks;
}
