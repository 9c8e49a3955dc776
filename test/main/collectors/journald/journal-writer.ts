/**
 * Genuine journal files for the tests: Debian's systemd-journal-remote turns journal export
 * format (https://systemd.io/JOURNAL_EXPORT_FORMATS/) read from its stdin into a `.journal`
 * file, the same file format journald writes, which `journalctl --file` then reads.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export const JOURNAL_REMOTE = '/lib/systemd/systemd-journal-remote';
const BOOT_ID = '0123456789abcdef0123456789abcdef';

export type Fields = Record<string, string | Buffer | string[]>;

/** One entry in export format; a value with a newline or not text goes in the binary form. */
export function exportEntry(
  fields: Fields,
  realtimeUs: number,
  monotonicUs: number,
  bootId: string | null = BOOT_ID,
): Buffer {
  const boot = bootId === null ? '' : `_BOOT_ID=${bootId}\n`;
  const parts: Buffer[] = [
    Buffer.from(
      `__REALTIME_TIMESTAMP=${realtimeUs}\n__MONOTONIC_TIMESTAMP=${monotonicUs}\n${boot}`,
    ),
  ];
  for (const [name, v] of Object.entries(fields)) {
    for (const value of Array.isArray(v) ? v : [v]) {
      const data = Buffer.isBuffer(value) ? value : Buffer.from(value);
      if (Buffer.isBuffer(value) || data.includes(10)) {
        const size = Buffer.alloc(8);
        size.writeBigUInt64LE(BigInt(data.length));
        parts.push(Buffer.from(`${name}\n`), size, data, Buffer.from('\n'));
      } else parts.push(Buffer.from(`${name}=${value}\n`));
    }
  }
  parts.push(Buffer.from('\n'));
  return Buffer.concat(parts);
}

/** A systemd-journal-remote process writing `path` from entries given over time. */
export class JournalWriter {
  private readonly proc: ChildProcess;
  private readonly exited: Promise<number | null>;
  private realtime = 1_700_000_000_000_000;
  private monotonic = 1_000_000;
  written = 0;

  /**
   * `bootId` null: entries without _BOOT_ID (export input that lacks it), stored as boot 0.
   * `laterUs`: entries this much later (realtime and monotonic) than another writer's.
   */
  constructor(
    path: string,
    private readonly bootId: string | null = BOOT_ID,
    laterUs = 0,
  ) {
    this.realtime += laterUs;
    this.monotonic += laterUs;
    this.proc = spawn(JOURNAL_REMOTE, [`--output=${path}`, '-'], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    this.exited = new Promise((r) => this.proc.on('exit', (code) => r(code)));
  }

  /** Queues entries (their time one millisecond apart); resolves when the pipe took them. */
  write(entries: Fields[]): Promise<void> {
    const data = Buffer.concat(
      entries.map((f) => exportEntry(f, (this.realtime += 1000), this.monotonic++, this.bootId)),
    );
    this.written += entries.length;
    return new Promise((resolve, reject) =>
      this.proc.stdin!.write(data, (err) => (err ? reject(err) : resolve())),
    );
  }

  /** Ends the input and waits for the journal file to be closed. */
  async close(): Promise<void> {
    this.proc.stdin!.end();
    const code = await this.exited;
    if (code !== 0) throw new Error(`systemd-journal-remote exited with ${code}`);
  }
}

/** Writes a whole journal file from `entries` and waits for it to be complete. */
export async function writeJournal(path: string, entries: Fields[], laterUs = 0): Promise<void> {
  const w = new JournalWriter(path, BOOT_ID, laterUs);
  await w.write(entries);
  await w.close();
}
