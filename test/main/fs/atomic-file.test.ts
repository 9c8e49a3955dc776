import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  finishInterruptedWrite,
  readFileIfExists,
  writeFileAtomic,
} from '../../../src/main/fs/atomic-file';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'logdock-atomic-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const strictJson = (text: string) => JSON.parse(text) as unknown;

describe('writeFileAtomic', () => {
  it('replaces the file whole, with the mode asked for, and leaves no temporary file', async () => {
    const path = join(dir, 'a.json');
    await writeFile(`${path}.tmp`, 'a torn leftover');
    await writeFileAtomic(path, '{"v":1}\n');
    await writeFileAtomic(path, '{"v":2}\n', { mode: 0o600 });
    expect(await readFile(path, 'utf8')).toBe('{"v":2}\n');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(existsSync(`${path}.tmp`)).toBe(false);
  });

  it('writes through the temporary file it is given', async () => {
    const path = join(dir, 'api.json');
    await writeFileAtomic(path, 'x', { tmpPath: `${path}.123.tmp` });
    expect(await readFile(path, 'utf8')).toBe('x');
    expect(existsSync(`${path}.123.tmp`)).toBe(false);
  });

  it('fails with the path named when the directory is missing, changing nothing', async () => {
    const path = join(dir, 'missing', 'a.json');
    await expect(writeFileAtomic(path, 'x')).rejects.toThrow(/missing/);
    expect(existsSync(join(dir, 'missing'))).toBe(false);
  });
});

describe('finishInterruptedWrite', () => {
  it('renames a complete temporary file over the file', async () => {
    const path = join(dir, 'a.json');
    await writeFile(path, '{"v":1}');
    await writeFile(`${path}.tmp`, '{"v":2}');
    await finishInterruptedWrite(path, strictJson);
    expect(await readFile(path, 'utf8')).toBe('{"v":2}');
    expect(existsSync(`${path}.tmp`)).toBe(false);
  });

  it('removes a torn temporary file and keeps the file', async () => {
    const path = join(dir, 'a.json');
    await writeFile(path, '{"v":1}');
    await writeFile(`${path}.tmp`, '{"v":');
    await finishInterruptedWrite(path, strictJson);
    expect(await readFile(path, 'utf8')).toBe('{"v":1}');
    expect(existsSync(`${path}.tmp`)).toBe(false);
  });

  it('does nothing without a temporary file', async () => {
    const path = join(dir, 'a.json');
    await finishInterruptedWrite(path, strictJson);
    expect(await readFileIfExists(path)).toBeNull();
  });
});
