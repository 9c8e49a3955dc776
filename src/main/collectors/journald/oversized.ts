/**
 * A journal entry too large for one record batch (`max.message.bytes`, 1 MiB at most: a
 * core dump or a huge message) would fail its append, and the source, reading again from
 * the last stored cursor, would fail on it for ever. It is cut instead: the record keeps
 * the cursor, time, key and level, the small fields (up to 4 KiB), as much of the message
 * as fits in `budget` bytes and then the larger fields that still fit, smallest first;
 * `logdock.cut` gives the entry's size in export format. The cut entry is written back in export format (binary form for
 * every field) and read by a scanner like any other.
 */
import { ExportScanner, entryOf, type FieldTable } from './export-format';

/** Fields that are kept whole, whatever their size: they are small in any real entry. */
const KEPT = new Set([
  '__CURSOR',
  '__REALTIME_TIMESTAMP',
  '__MONOTONIC_TIMESTAMP',
  'PRIORITY',
  '_SYSTEMD_UNIT',
  '_SYSTEMD_USER_UNIT',
  'SYSLOG_IDENTIFIER',
]);
/** What a field costs besides its name and value: lengths, `journal.` prefix, JSON quotes. */
const FIELD_OVERHEAD = 24;
const SMALL_FIELD = 4096;

/** The export bytes of the entry of `t`, cut to about `budget` bytes of names and values. */
export function cutEntry(t: FieldTable, budget: number): Buffer {
  const fields = entryOf(t);
  let left = budget;
  const keep = fields.map((f) => KEPT.has(f.name));
  for (const [i, f] of fields.entries()) if (keep[i]) left -= f.name.length + f.value.length;
  const message = fields.findIndex((f) => f.name === 'MESSAGE');
  const others = fields
    .map((f, i) => ({ f, i }))
    .filter(({ i }) => !keep[i] && i !== message)
    .sort((a, b) => a.f.value.length - b.f.value.length);
  const take = (small: boolean) => {
    for (const { f, i } of others) {
      const cost = f.name.length + f.value.length + FIELD_OVERHEAD;
      if (keep[i] || small !== cost <= SMALL_FIELD) continue;
      if (cost > left) break;
      keep[i] = true;
      left -= cost;
    }
  };
  // Small fields (pid, host, …) first, then as much of the message as fits, then the rest.
  take(true);
  let messageBytes = 0;
  if (message >= 0) {
    messageBytes = Math.max(0, Math.min(fields[message].value.length, left - FIELD_OVERHEAD));
    left -= messageBytes + FIELD_OVERHEAD;
  }
  take(false);
  const parts: Buffer[] = [];
  for (const [i, f] of fields.entries()) {
    if (i === message) parts.push(binaryField(f.name, f.value.subarray(0, messageBytes)));
    else if (keep[i]) parts.push(binaryField(f.name, f.value));
  }
  parts.push(Buffer.from('\n'));
  return Buffer.concat(parts);
}

function binaryField(name: string, value: Buffer): Buffer {
  const head = Buffer.alloc(name.length + 9);
  head.write(name, 0, 'latin1');
  head[name.length] = 10;
  head.writeBigUInt64LE(BigInt(value.length), name.length + 1);
  return Buffer.concat([head, value, Buffer.from('\n')]);
}

/** Calls `onEntry` with the one entry of `bytes` (export format). */
export function scanOne(bytes: Buffer, onEntry: (t: FieldTable) => void): void {
  new ExportScanner().push(bytes, onEntry);
}
