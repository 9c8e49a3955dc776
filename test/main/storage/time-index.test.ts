import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { TimeIndex } from '../../../src/main/storage/time-index';
import { makeTempDir, removeDir } from './helpers';

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir();
});
afterEach(async () => {
  await removeDir(dir);
});

describe('TimeIndex', () => {
  it('keeps only growing timestamps and starts searches at the last entry older than the target', () => {
    const idx = new TimeIndex(join(dir, 'x.timeindex'), 0);
    idx.maybeAppend(150, 40);
    idx.maybeAppend(150, 80); // not larger: ignored
    idx.maybeAppend(190, 120);
    expect(idx.entries).toBe(2);
    expect(idx.lookup(100)).toBe(0);
    expect(idx.lookup(150)).toBe(0);
    expect(idx.lookup(151)).toBe(40);
    expect(idx.lookup(170)).toBe(40);
    expect(idx.lookup(191)).toBe(120);
    expect(idx.last()).toEqual({ timestamp: 190, offset: 120 });
  });

  it('writes 12-byte entries as documented and loads them back', async () => {
    const path = join(dir, 'x.timeindex');
    const idx = new TimeIndex(path, 0);
    idx.maybeAppend(150, 40);
    idx.maybeAppend(190, 120);
    await idx.writePending(true);
    expect((await fs.readFile(path)).toString('hex')).toBe(
      '0000000000000096' + '00000028' + '00000000000000be' + '00000078',
    );
    const again = new TimeIndex(path, 0);
    expect(await again.load(200)).toBe(true);
    expect(again.lookup(170)).toBe(40);
  });

  it('refuses decreasing timestamps and offsets beyond the segment with CORRUPT_INDEX', async () => {
    const path = join(dir, 'x.timeindex');
    const idx = new TimeIndex(path, 0);
    idx.maybeAppend(150, 40);
    await idx.writePending(false);
    await expect(new TimeIndex(path, 0).load(40)).rejects.toMatchObject({ code: 'CORRUPT_INDEX' });
    await fs.appendFile(path, Buffer.from('000000000000000a00000029', 'hex'));
    await expect(new TimeIndex(path, 0).load(1000)).rejects.toThrow(/entry 1/);
  });
});
