import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PartitionLog, defaultLogConfig } from '../../../src/main/storage';
import { makeTempDir, removeDir } from './helpers';

const CHILD = fileURLToPath(new URL('./fixtures/file-size-limit-child.ts', import.meta.url));

let root: string;
beforeEach(async () => {
  root = await makeTempDir();
});
afterEach(async () => {
  await removeDir(root);
});

describe('PartitionLog when the disk refuses writes', () => {
  it('fails the append with IO_ERROR naming the file, keeps every earlier record and stays up', async () => {
    const dir = join(root, 'full-0');
    // ulimit -f counts 1 KiB blocks in dash and bash: a 200 KiB cap on any file it writes.
    const out = execFileSync(
      '/bin/sh',
      ['-c', `ulimit -f 200 && exec "${process.execPath}" --import tsx "${CHILD}" "${dir}"`],
      {
        encoding: 'utf8',
        cwd: process.cwd(),
      },
    );
    const result = JSON.parse(out.trim().split('\n').pop()!);
    expect(result.code).toBe('IO_ERROR');
    expect(result.message).toContain('00000000000000000000.log');
    expect(result.leo).toBeGreaterThan(0);
    expect(result.intact).toBe(true);
    // The torn tail was cut: the file ends with the last whole batch.
    const size = (await fs.stat(join(dir, '00000000000000000000.log'))).size;
    expect(size).toBe(result.sizeAfterFailure);
    const log = await PartitionLog.open(dir, defaultLogConfig());
    try {
      expect(log.logEndOffset).toBe(result.leo);
      expect(log.recovery.truncatedBytes).toBe(0);
    } finally {
      await log.close();
    }
  });
});
