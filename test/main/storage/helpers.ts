/** Shared helpers of the storage tests: temporary directories and byte-level corruption. */
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LogConfig, defaultLogConfig } from '../../../src/main/storage';

/** Creates a fresh temporary directory; pair with `removeDir` in afterEach. */
export function makeTempDir(): Promise<string> {
  return fs.mkdtemp(join(tmpdir(), 'logdock-storage-'));
}

export function removeDir(dir: string): Promise<void> {
  return fs.rm(dir, { recursive: true, force: true });
}

/** Small segments and a dense index so that a few records exercise rolling and lookups. */
export function smallConfig(overrides: Partial<LogConfig> = {}): LogConfig {
  return { ...defaultLogConfig(), segmentBytes: 4096, indexIntervalBytes: 256, ...overrides };
}

/** Overwrites `length` bytes at `position` of `path` with a repeating garbage pattern. */
export async function writeGarbage(path: string, position: number, length: number): Promise<void> {
  const junk = Buffer.alloc(length);
  for (let i = 0; i < length; i++) junk[i] = (i * 151 + 77) & 0xff;
  const fh = await fs.open(path, 'r+');
  try {
    await fh.write(junk, 0, length, position);
  } finally {
    await fh.close();
  }
}

/** Appends garbage bytes at the end of `path`. */
export async function appendGarbage(path: string, length: number): Promise<void> {
  const junk = Buffer.alloc(length, 0xab);
  await fs.appendFile(path, junk);
}

export function value(i: number): Buffer {
  return Buffer.from(`value-${i}`);
}
