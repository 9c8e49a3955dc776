import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { META_FILE, readMeta, writeMeta } from '../../../src/main/storage/partition-meta';
import { makeTempDir, removeDir } from './helpers';

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir();
});
afterEach(async () => {
  await removeDir(dir);
});

describe('partition.meta', () => {
  it('round-trips the log start offset, recovery point and cleaner point and leaves no temporary file', async () => {
    expect(await readMeta(dir)).toBeNull();
    await writeMeta(dir, { logStartOffset: 42, recoveryPoint: 1500, cleanerPoint: 0 });
    await writeMeta(dir, { logStartOffset: 43, recoveryPoint: 1600, cleanerPoint: 1200 });
    expect(await readMeta(dir)).toEqual({
      logStartOffset: 43,
      recoveryPoint: 1600,
      cleanerPoint: 1200,
    });
    expect(await fs.readFile(join(dir, META_FILE), 'utf8')).toBe(
      'logdock-partition-meta v1\nlogStartOffset 43\nrecoveryPoint 1600\ncleanerPoint 1200\n',
    );
    expect(await fs.readdir(dir)).toEqual([META_FILE]);
  });

  it('reads a file written before the cleaner point existed as cleaner point 0', async () => {
    await fs.writeFile(
      join(dir, META_FILE),
      'logdock-partition-meta v1\nlogStartOffset 5\nrecoveryPoint 9\n',
    );
    expect(await readMeta(dir)).toEqual({ logStartOffset: 5, recoveryPoint: 9, cleanerPoint: 0 });
  });

  it('ignores unknown fields and refuses garbage, a wrong header or missing fields with CORRUPT_FILE', async () => {
    const path = join(dir, META_FILE);
    await fs.writeFile(
      path,
      'logdock-partition-meta v1\nlogStartOffset 1\nrecoveryPoint 2\nfutureField 3\n',
    );
    expect(await readMeta(dir)).toEqual({ logStartOffset: 1, recoveryPoint: 2, cleanerPoint: 0 });
    for (const text of [
      '\x00\x01garbage',
      'logdock-partition-meta v1\nlogStartOffset -1\n',
      'logdock-partition-meta v1\nlogStartOffset 1\n',
    ]) {
      await fs.writeFile(path, text);
      await expect(readMeta(dir)).rejects.toMatchObject({
        code: 'CORRUPT_FILE',
        message: expect.stringContaining(path),
      });
    }
  });
});
