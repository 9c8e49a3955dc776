import {
  isRequestName,
  isSubscriptionName,
  requests,
  subscriptions,
  type EventOf,
  type ParsedParamsOf,
  type ParsedSubParamsOf,
  type RequestName,
  type ResultOf,
  type SubscriptionName,
  type Unsubscribe,
} from '../../common/api/contract';
import { clusterNameSchema, LOCAL_CLUSTER } from '../../common/api/clusters';
import type { SubscriptionDef } from '../../common/api/define';
import { parseOrThrow } from '../../common/api/validate';
import { LogdockError, toErrorPayload, type ErrorPayload } from '../../common/errors';

/** Who is calling: transports fill this in after they have checked the caller. */
export interface CallContext {
  transport: 'ipc' | 'websocket' | 'in-process';
  /**
   * Headless server: the same-origin path (with a download ticket) from which a browser
   * downloads the finished export `fileName`. Absent where the transport serves no files.
   */
  exportDownloadPath?: (fileName: string) => string;
  /** Electron: reveals a file in the system's file manager. Absent elsewhere. */
  showItemInFolder?: (path: string) => void;
}

export type RequestHandler<N extends RequestName> = (
  params: ParsedParamsOf<N>,
  ctx: CallContext,
) => Promise<ResultOf<N>> | ResultOf<N>;

/**
 * Starts a subscription and returns how to stop it. A failure found before the first event
 * is thrown; one found later (e.g. by asking the cluster, which answers asynchronously) is
 * passed to `fail`, which ends the subscription and tells the subscriber.
 */
export type SubscriptionHandler<N extends SubscriptionName> = (
  params: ParsedSubParamsOf<N>,
  emit: (event: EventOf<N>) => void,
  ctx: CallContext,
  fail: (err: unknown) => void,
) => Unsubscribe;

export type RequestHandlers = { [N in RequestName]: RequestHandler<N> };
export type SubscriptionHandlers = { [N in SubscriptionName]: SubscriptionHandler<N> };

/** Handlers for one domain's slice of the contract, e.g. `HandlersFor<typeof topicsRequests>`. */
export type HandlersFor<D> = { [N in keyof D & RequestName]: RequestHandler<N> };
export type SubscriptionHandlersFor<D> = {
  [N in keyof D & SubscriptionName]: SubscriptionHandler<N>;
};

/** The handler tables of one named cluster (see `Dispatcher`'s `forCluster`). */
export interface HandlerTables {
  requests: RequestHandlers;
  subscriptions: SubscriptionHandlers;
}

export type CallOutcome = { ok: true; result: unknown } | { ok: false; error: ErrorPayload };

/**
 * The single place where a request from any transport is validated and executed. Every
 * transport hands it the raw name and payload it received; it checks the name against the
 * contract, parses the payload with the request's schema, runs the handler and turns any
 * failure into `{ code, message }`. A malformed payload never reaches a handler.
 */
export class Dispatcher {
  /**
   * `forCluster`, when given, returns the handler tables of a cluster other than `local`:
   * every request and subscription may carry `cluster: "<name>"` beside its own params
   * (docs/clusters.md, Routing); without it, or with `local`, the default tables answer.
   */
  constructor(
    private readonly requestHandlers: RequestHandlers,
    private readonly subscriptionHandlers: SubscriptionHandlers,
    private readonly forCluster?: (name: string) => HandlerTables,
  ) {}

  /** Takes `cluster` off the payload and picks the tables that answer for it. */
  private route(rawParams: unknown): { params: unknown; tables: HandlerTables } {
    const local = { requests: this.requestHandlers, subscriptions: this.subscriptionHandlers };
    if (!rawParams || typeof rawParams !== 'object' || !('cluster' in rawParams)) {
      return { params: rawParams, tables: local };
    }
    const { cluster, ...params } = rawParams as { cluster: unknown };
    if (cluster === undefined || cluster === LOCAL_CLUSTER) return { params, tables: local };
    const name = clusterNameSchema.safeParse(cluster);
    if (!name.success) {
      throw new LogdockError('INVALID_ARGUMENT', `cluster: ${name.error.issues[0].message}`);
    }
    if (!this.forCluster) throw new LogdockError('NOT_FOUND', `no cluster named ${name.data}`);
    return { params, tables: this.forCluster(name.data) };
  }

  async call(name: unknown, rawParams: unknown, ctx: CallContext): Promise<CallOutcome> {
    try {
      if (!isRequestName(name)) {
        throw new LogdockError('NOT_FOUND', `unknown request ${JSON.stringify(name)}`);
      }
      const routed = this.route(rawParams);
      const params = parseOrThrow(requests[name].params, routed.params ?? {}, name);
      const handler = routed.tables.requests[name] as RequestHandler<typeof name>;
      const result = await handler(params as never, ctx);
      return { ok: true, result };
    } catch (err) {
      return { ok: false, error: toErrorPayload(err) };
    }
  }

  /**
   * Starts a subscription; throws a LogdockError for an unknown name or bad params.
   * `onError` hears of a failure after the start (then no more events come). The returned
   * function stops it and is safe to call more than once.
   */
  subscribe(
    name: unknown,
    rawParams: unknown,
    emit: (event: unknown) => void,
    ctx: CallContext,
    onError: (error: ErrorPayload) => void = () => {},
  ): Unsubscribe {
    if (!isSubscriptionName(name)) {
      throw new LogdockError('NOT_FOUND', `unknown subscription ${JSON.stringify(name)}`);
    }
    const def = (subscriptions as Record<string, SubscriptionDef>)[name];
    const routed = this.route(rawParams);
    const params = parseOrThrow(def.params, routed.params ?? {}, name);
    const handler = routed.tables.subscriptions[name] as SubscriptionHandler<typeof name>;
    let active = true;
    let stop: Unsubscribe = () => {};
    const end = (): void => {
      if (!active) return;
      active = false;
      stop();
    };
    const fail = (err: unknown): void => {
      if (!active) return;
      end();
      onError(toErrorPayload(err));
    };
    stop = handler(params as never, (event) => active && emit(event), ctx, fail);
    if (!active) stop(); // failed before the handler returned its stop
    return end;
  }
}
