import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import WebSocket from 'ws';
import { z } from 'zod';
import type { ResultOf } from '../../common/api/contract';
import {
  createWebSocketClient,
  type WebSocketApiClient,
  type WebSocketConstructor,
} from '../../common/transport/websocket-client';
import { writeFileAtomic } from '../fs/atomic-file';

/**
 * `<dataDir>/api.json` tells other processes (the CLI's commands) where a running Logdock
 * serves its API. It holds the token, so it is written with mode 0600, and removed on
 * shutdown. A file left behind by a crash is recognised by its API not answering
 * (findRunningLogdock); its `pid` only names the process in messages.
 */
export const apiFileSchema = z.object({
  url: z.string(),
  token: z.string(),
  pid: z.number().int(),
  /** PEM certificate of a server started with TLS: the one the CLI trusts for `url`. */
  cert: z.string().optional(),
});
export type ApiFile = z.infer<typeof apiFileSchema>;

type SystemInfo = ResultOf<'system.info'>;

/**
 * A WebSocket class that trusts exactly `cert` (self-signed is fine), whatever name the URL
 * uses: api.json is the server's own word, written with mode 0600 in the data directory.
 */
function trusting(cert: string): typeof WebSocket {
  // Node's TLS wants undefined for "fine" (ws's typings say boolean, which Node reads as an error).
  const noNameCheck = (() => undefined) as unknown as () => boolean;
  return class extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { ca: cert, checkServerIdentity: noNameCheck });
    }
  } as typeof WebSocket;
}

export function apiFilePath(dataDir: string): string {
  return join(dataDir, 'api.json');
}

/**
 * Writes the file atomically so a reader never sees half of it; the temporary file is this
 * process's own, so two instances starting at once never rename each other's.
 */
export async function writeApiFile(dataDir: string, info: ApiFile): Promise<void> {
  const path = apiFilePath(dataDir);
  await writeFileAtomic(path, JSON.stringify(info, null, 2) + '\n', {
    mode: 0o600,
    tmpPath: `${path}.${process.pid}.tmp`,
  });
}

/** Removes the file if it is still ours (another instance may have replaced it). */
export async function removeApiFile(dataDir: string, pid = process.pid): Promise<void> {
  const current = await readApiFile(dataDir);
  if (current && current.pid !== pid) return;
  await rm(apiFilePath(dataDir), { force: true });
}

/**
 * Reads the file as it stands, whether or not its Logdock still runs; undefined when
 * absent, unreadable or malformed. Use findRunningLogdock to know that one runs.
 */
export async function readApiFile(dataDir: string): Promise<ApiFile | undefined> {
  let text: string;
  try {
    text = await readFile(apiFilePath(dataDir), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = apiFileSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The api.json of a Logdock that runs on `dataDir` now, confirmed by reaching its API with
 * the token (`system.info` answers within `timeoutMs`); undefined otherwise. A pid proves
 * nothing: after a crash the file's pid may belong to any unrelated process.
 */
export async function findRunningLogdock(
  dataDir: string,
  timeoutMs?: number,
): Promise<ApiFile | undefined> {
  const running = await connectRunningLogdock(dataDir, timeoutMs);
  running?.client.close();
  return running?.info;
}

/** Like findRunningLogdock, keeping the connection that proved it runs; the caller closes it. */
export async function connectRunningLogdock(
  dataDir: string,
  timeoutMs = 3000,
): Promise<{ info: ApiFile; client: WebSocketApiClient; system: SystemInfo } | undefined> {
  const info = await readApiFile(dataDir);
  if (!info) return undefined;
  const client = createWebSocketClient({
    url: info.url,
    token: info.token,
    WebSocket: (info.cert ? trusting(info.cert) : WebSocket) as unknown as WebSocketConstructor,
    reconnect: false,
  });
  let timer: NodeJS.Timeout | undefined;
  const system = await Promise.race([
    client.call('system.info', {}).catch(() => null),
    new Promise<null>((done) => (timer = setTimeout(() => done(null), timeoutMs))),
  ]);
  clearTimeout(timer);
  if (system) return { info, client, system };
  client.close();
  return undefined;
}
