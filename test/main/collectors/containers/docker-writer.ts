/**
 * A container directory as Docker's json-file log driver writes it: `config.v2.json` with
 * the container's name, image and labels, and `<id>-json.log` holding one JSON object per
 * line (`{"log":"…\n","stream":"stdout","time":"…"}`), rotated by Docker by renaming the
 * log to `.1` (older copies shifting to `.2`, …) and starting a new one.
 */
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  renameSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

export class DockerContainer {
  readonly id = randomBytes(32).toString('hex');
  readonly dir: string;
  private fd: number;
  private keep: number;
  written = 0;

  constructor(
    root: string,
    readonly name: string,
    opts: { image?: string; labels?: Record<string, string>; keep?: number } = {},
  ) {
    this.dir = join(root, this.id);
    this.keep = opts.keep ?? 3;
    mkdirSync(this.dir, { recursive: true });
    writeFileSync(
      join(this.dir, 'config.v2.json'),
      JSON.stringify({
        ID: this.id,
        Name: `/${name}`,
        Config: { Image: opts.image ?? 'busybox:latest', Labels: opts.labels ?? {} },
        State: { Running: true },
      }),
    );
    this.fd = openSync(this.log, 'a');
  }

  get log(): string {
    return join(this.dir, `${this.id}-json.log`);
  }

  /** Appends lines as Docker does, one JSON object each, at `time` (default now). */
  write(lines: string[], stream: 'stdout' | 'stderr' = 'stdout', time?: Date): void {
    const t = (time ?? new Date()).toISOString().replace('Z', '123456Z');
    let text = '';
    for (const l of lines) text += `${JSON.stringify({ log: `${l}\n`, stream, time: t })}\n`;
    writeSync(this.fd, text);
    this.written += lines.length;
  }

  /** Docker's rotation: .N-1 → .N, …, log → .1, and a new log. */
  rotate(): void {
    closeSync(this.fd);
    for (let i = this.keep - 1; i >= 1; i--)
      if (existsSync(`${this.log}.${i}`)) renameSync(`${this.log}.${i}`, `${this.log}.${i + 1}`);
    renameSync(this.log, `${this.log}.1`);
    this.fd = openSync(this.log, 'a');
  }

  close(): void {
    closeSync(this.fd);
  }
}
