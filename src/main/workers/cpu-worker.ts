/**
 * The worker threads' script (see pool.ts): answers each task message with its handler's
 * result, or with the error as `{ code, message }` so that the caller gets a LogdockError
 * with the same code.
 */
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { LogdockError, toErrorPayload } from '../../common/errors';
import { countChunk } from '../search/count-chunk';
import { scanChunk } from '../search/scan-chunk';
import { validateBatchesTask } from '../broker/validate-off-thread';
import { checkReadTask } from '../broker/read-check-off-thread';
import { filterChunkTask, mapChunkTask } from '../broker/compact-off-thread';
import { encodeLinesTask } from '../collectors/encode-lines';
import type { WorkerReply } from './pool';

/** A handler returns its result and the ArrayBuffers to move back with it. */
type Handler = (payload: never) => { result: unknown; transfer: ArrayBuffer[] };

const handlers: Record<string, Handler> = {
  scan: scanChunk,
  count: countChunk,
  'validate-batches': validateBatchesTask,
  'check-read': checkReadTask,
  'compaction-map': mapChunkTask,
  'compaction-filter': filterChunkTask,
  'encode-lines': encodeLinesTask,
};

lowerPriority((workerData as { nice?: number } | null)?.nice ?? 0);

/** See WorkerPoolOptions.nice: on Linux this thread's own nice value, else nothing. */
function lowerPriority(nice: number): void {
  if (nice <= 0 || process.platform !== 'linux') return;
  try {
    setPriority(nice); // pid 0: the calling thread on Linux
  } catch {
    // A sandbox may refuse it: the thread then runs at the main thread's priority.
  }
}

const port = parentPort;
if (!port) throw new Error('cpu-worker.ts runs only as a worker thread');

port.on('message', (msg: { id: number; kind: string; payload: unknown }) => {
  let reply: WorkerReply;
  let transfer: ArrayBuffer[] = [];
  try {
    const handler = handlers[msg.kind];
    if (!handler) throw new LogdockError('INTERNAL', `worker: no task named ${msg.kind}`);
    const out = handler(msg.payload as never);
    reply = { id: msg.id, ok: true, result: out.result };
    transfer = out.transfer;
  } catch (err) {
    reply = { id: msg.id, ok: false, error: toErrorPayload(err) };
  }
  port.postMessage(reply, transfer);
});
// Loaded: the pool may now send work that should not wait for a thread to start.
port.postMessage({ loaded: true });
