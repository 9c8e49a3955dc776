import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * `<dataDir>/api.json` tells other processes (the CLI's commands) where a running Logdock
 * serves its API. It holds the token, so it is written with mode 0600, and removed on
 * shutdown. A file left behind by a crash is recognised by its dead `pid`.
 */
export const apiFileSchema = z.object({
  url: z.string(),
  token: z.string(),
  pid: z.number().int(),
});
export type ApiFile = z.infer<typeof apiFileSchema>;

export function apiFilePath(dataDir: string): string {
  return join(dataDir, 'api.json');
}

/** Writes the file atomically (temp file + rename) so a reader never sees half of it. */
export async function writeApiFile(dataDir: string, info: ApiFile): Promise<void> {
  const path = apiFilePath(dataDir);
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, JSON.stringify(info, null, 2) + '\n', { mode: 0o600 });
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined); // e.g. a full disk
    throw err;
  }
  await rename(tmp, path);
}

/** Removes the file if it is still ours (another instance may have replaced it). */
export async function removeApiFile(dataDir: string, pid = process.pid): Promise<void> {
  const current = await readApiFile(dataDir);
  if (current && current.pid !== pid) return;
  await rm(apiFilePath(dataDir), { force: true });
}

/**
 * Reads the file of a running Logdock; undefined when absent, unreadable or left by a
 * process that no longer exists.
 */
export async function readApiFile(dataDir: string): Promise<ApiFile | undefined> {
  let text: string;
  try {
    text = await readFile(apiFilePath(dataDir), 'utf8');
  } catch {
    return undefined;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = apiFileSchema.safeParse(json);
  if (!parsed.success || !isAlive(parsed.data.pid)) return undefined;
  return parsed.data;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
