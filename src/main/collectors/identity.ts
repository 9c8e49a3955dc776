/**
 * File identity: device and inode, plus a fingerprint of the file's first bytes (up to
 * FINGERPRINT_BYTES). The fingerprint is stored with its length, so a file smaller than
 * that is read at once and its fingerprint grows with it; a file whose first `length`
 * bytes no longer hash the same is not the file we read (truncated and rewritten, or an
 * inode reused after a delete).
 */
import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';

export const FINGERPRINT_BYTES = 1024;

export interface Fingerprint {
  length: number;
  hash: string;
}

export function hashBytes(bytes: Buffer): string {
  return createHash('sha1').update(bytes).digest('hex').slice(0, 16);
}

/** Reads up to `length` first bytes of an open file. */
export async function readPrefix(fh: FileHandle, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(buf, got, length - got, got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return buf.subarray(0, got);
}

export function fileKey(dev: number, ino: number): string {
  return `${dev}:${ino}`;
}

export function identityString(key: string, fp: Fingerprint): string {
  return `${key}:${fp.length}:${fp.hash}`;
}

/** Parses `dev:ino:length:hash`; undefined when malformed. */
export function parseIdentity(s: string): { key: string; fp: Fingerprint } | undefined {
  const m = /^(\d+:\d+):(\d+):([0-9a-f]+)$/.exec(s);
  if (!m) return undefined;
  return { key: m[1], fp: { length: Number(m[2]), hash: m[3] } };
}

/** Whether the open file still starts with the bytes `fp` was taken from. */
export async function fingerprintMatches(fh: FileHandle, fp: Fingerprint): Promise<boolean> {
  if (fp.length === 0) return true;
  const prefix = await readPrefix(fh, fp.length);
  return prefix.length === fp.length && hashBytes(prefix) === fp.hash;
}
