import type { ErrorPayload } from '../errors';

/**
 * Electron IPC channels besides the per-request ones (each request is invoked on the
 * channel named after it, e.g. `topics.list`, so that a handler exists per request).
 *   renderer → main  IPC_SUBSCRIBE   { id, name, params }
 *   renderer → main  IPC_UNSUBSCRIBE { id }
 *   main → renderer  IPC_EVENT       IpcEventMessage
 */
export const IPC_SUBSCRIBE = 'logdock:subscribe';
export const IPC_UNSUBSCRIBE = 'logdock:unsubscribe';
export const IPC_EVENT = 'logdock:event';

export type IpcEventMessage =
  | { id: number; kind: 'event'; event: unknown }
  | { id: number; kind: 'error'; error: ErrorPayload };

/** What a request returns across IPC; errors travel as data, not as thrown Errors. */
export type CallOutcome = { ok: true; result: unknown } | { ok: false; error: ErrorPayload };
