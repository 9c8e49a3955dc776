import type { WebSocket } from 'ws';
import { z } from 'zod';
import { LogdockError, toErrorPayload, type ErrorPayload } from '../../common/errors';
import type { ServerMessage } from '../../common/transport/wire';
import type { CallContext, CallOutcome, Dispatcher } from '../api/dispatcher';
import type { Logger } from '../logger';
import { CONNECTION_LIMITS, type ConnectionLimits } from './connection-limits';
import { encodeFrame } from './encode-frame';
import { SubscriptionTable } from './subscription-table';

/** What one connection holds now (tests, status). */
export interface ConnectionStats {
  subscriptions: number;
  callsInFlight: number;
  /** Calls answered since the connection opened, refused ones included. */
  callsAnswered: number;
  /** Subscription events sent since the connection opened. */
  eventsSent: number;
  /** Bytes sent to the client that it has not read yet. */
  bufferedBytes: number;
}

const clientMessageSchema = z.discriminatedUnion('t', [
  z.object({
    t: z.literal('call'),
    id: z.number().int().nonnegative(),
    name: z.string(),
    params: z.unknown(),
  }),
  z.object({
    t: z.literal('sub'),
    id: z.number().int().nonnegative(),
    name: z.string(),
    params: z.unknown(),
  }),
  z.object({ t: z.literal('unsub'), id: z.number().int().nonnegative() }),
]);

/**
 * Runs one authenticated connection: frames in, results and events out, within the limits
 * of connection-limits.ts. Returns what it holds, for `WebSocketApi.connectionStats`.
 */
export function serveConnection(
  ws: WebSocket,
  dispatcher: Dispatcher,
  ctx: CallContext,
  logger: Logger,
  limits: ConnectionLimits = CONNECTION_LIMITS,
): () => ConnectionStats {
  const subs = new SubscriptionTable(dispatcher, ctx, limits.subscriptions);
  const calls = new Set<number>();
  let callsAnswered = 0;
  let eventsSent = 0;
  /** Whether the client reads: past the hard limit it does not, and is dropped. */
  const reading = () => {
    if (ws.bufferedAmount <= limits.bufferedBytesHard) return true;
    logger.warn(`WebSocket client left ${ws.bufferedAmount} bytes unread; connection dropped`);
    ws.terminate();
    return false;
  };
  const open = () => ws.readyState === ws.OPEN && reading();
  /** Sends a frame built here (small: an error, a refusal). */
  const send = (msg: ServerMessage) => {
    if (open()) ws.send(JSON.stringify(msg));
  };
  const tooSlow = (what: string): ErrorPayload => ({
    code: 'UNAVAILABLE',
    message: `${what}: client is too slow (over ${limits.bufferedBytes / 1024 / 1024} MiB unread)`,
  });

  const answer = (id: number, name: string, outcome: CallOutcome) => {
    callsAnswered++;
    if (!outcome.ok) return send({ t: 'result', id, ok: false, error: outcome.error });
    if (!open()) return;
    const frame = encodeFrame(
      { t: 'result', id, ok: true, result: outcome.result },
      limits.frameChars,
      name,
    );
    if (frame.ok) ws.send(frame.text);
    else send({ t: 'result', id, ok: false, error: frame.error });
  };
  const call = (id: number, name: string, params: unknown) => {
    if (calls.has(id)) {
      const message = `call id ${id} is already in flight`;
      return answer(id, name, { ok: false, error: { code: 'ALREADY_EXISTS', message } });
    }
    if (calls.size >= limits.callsInFlight) {
      const error: ErrorPayload = {
        code: 'RESOURCE_EXHAUSTED',
        message: `${name}: a connection may have at most ${limits.callsInFlight} calls in flight; wait for some answers first`,
      };
      return answer(id, name, { ok: false, error });
    }
    calls.add(id);
    void dispatcher.call(name, params, ctx).then((outcome: CallOutcome) => {
      calls.delete(id);
      // The result is dropped, not buffered, for a client this far behind.
      if (outcome.ok && ws.bufferedAmount > limits.bufferedBytes) {
        outcome = { ok: false, error: tooSlow(`${name} (result dropped)`) };
      }
      answer(id, name, outcome);
    });
  };

  const subscribe = (id: number, name: string, params: unknown) => {
    subs.start(
      id,
      name,
      params,
      (event) => {
        if (ws.bufferedAmount > limits.bufferedBytes) {
          if (subs.stop(id))
            send({ t: 'sub-error', id, error: tooSlow(`${name}: subscription ended`) });
          return;
        }
        if (!open()) return;
        const frame = encodeFrame({ t: 'event', id, event }, limits.frameChars, name);
        if (frame.ok) {
          eventsSent++;
          ws.send(frame.text);
        } else if (subs.stop(id)) send({ t: 'sub-error', id, error: frame.error });
      },
      (error) => send({ t: 'sub-error', id, error }),
    );
  };

  ws.on('message', (data, isBinary) => {
    const msg = parseFrame(data.toString(), isBinary);
    if (!msg.ok) {
      send({ t: 'error', error: msg.error });
      return;
    }
    const frame = msg.frame;
    switch (frame.t) {
      case 'call':
        return call(frame.id, frame.name, frame.params);
      case 'sub':
        return subscribe(frame.id, frame.name, frame.params);
      case 'unsub':
        // An unknown id is no error: the subscription may have ended (sub-error) as the
        // client let go of it.
        subs.stop(frame.id);
        return;
    }
  });
  ws.on('close', () => subs.stopAll());
  ws.on('error', (err) => logger.warn(`WebSocket connection error: ${err.message}`));
  return () => ({
    subscriptions: subs.size,
    callsInFlight: calls.size,
    callsAnswered,
    eventsSent,
    bufferedBytes: ws.bufferedAmount,
  });
}

type ParsedFrame =
  { ok: true; frame: z.infer<typeof clientMessageSchema> } | { ok: false; error: ErrorPayload };

function parseFrame(text: string, isBinary: boolean): ParsedFrame {
  try {
    if (isBinary)
      throw new LogdockError('INVALID_ARGUMENT', 'binary frames are not part of the API');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new LogdockError('INVALID_ARGUMENT', `frame is not JSON: ${text.slice(0, 60)}`);
    }
    const parsed = clientMessageSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new LogdockError(
        'INVALID_ARGUMENT',
        `malformed frame: ${issue.path.join('.') || '(frame)'}: ${issue.message}`,
      );
    }
    return { ok: true, frame: parsed.data };
  } catch (err) {
    return { ok: false, error: toErrorPayload(err) };
  }
}
