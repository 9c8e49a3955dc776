import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { OffsetIndex } from '../../../src/main/storage/offset-index';
import { makeTempDir, removeDir } from './helpers';

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir();
});
afterEach(async () => {
  await removeDir(dir);
});

describe('OffsetIndex', () => {
  it('finds the position of the last entry at or below an offset, 0 before the first', () => {
    const idx = new OffsetIndex(join(dir, 'x.index'), 100);
    idx.append(110, 1000);
    idx.append(150, 5000);
    idx.append(190, 9000);
    expect(idx.lookup(100)).toBe(0);
    expect(idx.lookup(109)).toBe(0);
    expect(idx.lookup(110)).toBe(1000);
    expect(idx.lookup(189)).toBe(5000);
    expect(idx.lookup(10_000)).toBe(9000);
  });

  it('writes 8-byte big-endian entries relative to the base offset and loads them back', async () => {
    const path = join(dir, 'x.index');
    const idx = new OffsetIndex(path, 1000);
    idx.append(1038, 4180);
    await idx.writePending(true);
    idx.append(1080, 9000);
    await idx.writePending(false);
    expect((await fs.readFile(path)).toString('hex')).toBe('0000002600001054' + '0000005000002328');
    const again = new OffsetIndex(path, 1000);
    expect(await again.load(10_000)).toBe(true);
    expect(again.entries).toBe(2);
    expect(again.lookup(1079)).toBe(4180);
  });

  it('reports a missing file as false and refuses torn, unordered or out-of-log entries with CORRUPT_INDEX', async () => {
    const path = join(dir, 'x.index');
    expect(await new OffsetIndex(path, 0).load(100)).toBe(false);
    await fs.writeFile(path, Buffer.alloc(7));
    await expect(new OffsetIndex(path, 0).load(100)).rejects.toMatchObject({
      code: 'CORRUPT_INDEX',
      message: expect.stringContaining(path),
    });
    const unordered = Buffer.alloc(16);
    unordered.writeInt32BE(5, 0);
    unordered.writeInt32BE(50, 4);
    unordered.writeInt32BE(4, 8);
    unordered.writeInt32BE(60, 12);
    await fs.writeFile(path, unordered);
    await expect(new OffsetIndex(path, 0).load(100)).rejects.toMatchObject({
      code: 'CORRUPT_INDEX',
    });
    const beyond = Buffer.alloc(8);
    beyond.writeInt32BE(1, 0);
    beyond.writeInt32BE(500, 4);
    await fs.writeFile(path, beyond);
    await expect(new OffsetIndex(path, 0).load(100)).rejects.toThrow(/beyond the log's 100 bytes/);
  });
});
