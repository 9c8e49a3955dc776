import { closeSync, openSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileLineChunks, streamLineChunks } from '../../../../src/main/cli/produce/line-chunks';
import { tempDir } from '../../broker/helpers';

let dir = '';
let cleanup = async () => {};
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('logdock-line-chunks-'));
});
afterEach(() => cleanup());

/** Every chunk, copied (a chunk is valid only until the next), and checked to end lines. */
async function collect(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const all: Buffer[] = [];
  for await (const c of chunks) {
    expect(c[c.length - 1]).toBe(0x0a);
    all.push(Buffer.from(c));
  }
  return Buffer.concat(all);
}

describe('stdin in runs of whole lines', () => {
  const long = 'y'.repeat(3 * 1024 * 1024); // longer than the 1 MiB read buffer
  const text = `\ufefffirst\r\nsecond\n${long}\nlast without newline`;

  it('reads a regular file from its position into one buffer, growing it for a long line', async () => {
    const path = join(dir, 'in.txt');
    writeFileSync(path, Buffer.concat([Buffer.from('skipped\n'), Buffer.from(text)]));
    const fd = openSync(path, 'r');
    try {
      readSync(fd, Buffer.alloc(8)); // as a shell's `(head -1; logdock produce) < file` leaves it
      const out = await collect(fileLineChunks(fd));
      expect(out.toString()).toBe(`first\r\nsecond\n${long}\nlast without newline\n`);
    } finally {
      closeSync(fd);
    }
  });

  it('reads a stream chunk by chunk, carrying a line cut between chunks', async () => {
    const bytes = Buffer.from(text);
    async function* pieces() {
      for (let i = 0; i < bytes.length; i += 1000) yield bytes.subarray(i, i + 1000);
    }
    const out = await collect(streamLineChunks(pieces()));
    expect(out.toString()).toBe(`first\r\nsecond\n${long}\nlast without newline\n`);
  });

  it('yields nothing for empty input, and skips a BOM only at the very start', async () => {
    const empty = join(dir, 'empty.txt');
    writeFileSync(empty, '');
    const fd = openSync(empty, 'r');
    try {
      expect((await collect(fileLineChunks(fd))).length).toBe(0);
    } finally {
      closeSync(fd);
    }
    async function* pieces(...p: Buffer[]) {
      yield* p;
    }
    const bom = Buffer.from('\ufeff');
    const later = pieces(Buffer.from('a\n'), Buffer.concat([bom, Buffer.from('b')]));
    expect((await collect(streamLineChunks(later))).toString()).toBe('a\n\ufeffb\n');
    // A BOM cut between the first chunks is still the start's.
    const cut = pieces(bom.subarray(0, 1), Buffer.concat([bom.subarray(1), Buffer.from('c\n')]));
    expect((await collect(streamLineChunks(cut))).toString()).toBe('c\n');
  });
});
