import type { Unsubscribe } from '../../common/api/contract';
import { toErrorPayload, type ErrorPayload } from '../../common/errors';
import type { CallContext, Dispatcher } from '../api/dispatcher';
import { MAX_SUBSCRIPTIONS_PER_CONNECTION } from './connection-limits';

interface Entry {
  /** Undefined while the dispatcher is still starting it. */
  stop?: Unsubscribe;
  ended: boolean;
}

/**
 * The subscriptions of one connection, by the ids its client chose: at most `limit` at
 * once (RESOURCE_EXHAUSTED beyond), each id once (ALREADY_EXISTS), and every one ended by
 * `stopAll` when the connection goes. A subscription that fails, before or after its start,
 * frees its id and its place.
 */
export class SubscriptionTable {
  private readonly entries = new Map<number, Entry>();

  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly ctx: CallContext,
    private readonly limit = MAX_SUBSCRIPTIONS_PER_CONNECTION,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /**
   * Starts subscription `id`. Events go to `emit` until it ends; a refusal or a later
   * failure goes to `onError`, once, after which no event comes.
   */
  start(
    id: number,
    name: unknown,
    params: unknown,
    emit: (event: unknown) => void,
    onError: (error: ErrorPayload) => void,
  ): void {
    if (this.entries.has(id)) {
      onError({ code: 'ALREADY_EXISTS', message: `subscription id ${id} is already in use` });
      return;
    }
    if (this.entries.size >= this.limit) {
      onError({
        code: 'RESOURCE_EXHAUSTED',
        message: `${String(name)}: a connection may hold at most ${this.limit} subscriptions at once; end one first`,
      });
      return;
    }
    const entry: Entry = { ended: false };
    // Counted at once: a handler that emits while starting may already be ended by it.
    this.entries.set(id, entry);
    const forget = () => {
      entry.ended = true;
      if (this.entries.get(id) === entry) this.entries.delete(id);
    };
    try {
      entry.stop = this.dispatcher.subscribe(
        name,
        params,
        (event) => {
          if (!entry.ended) emit(event);
        },
        this.ctx,
        (error) => {
          forget();
          onError(error);
        },
      );
      if (entry.ended) entry.stop(); // ended by its own first events or failure
    } catch (err) {
      forget();
      onError(toErrorPayload(err));
    }
  }

  /** Ends subscription `id`; false when there is none (never was, or ended already). */
  stop(id: number): boolean {
    const entry = this.entries.get(id);
    if (!entry) return false;
    this.entries.delete(id);
    entry.ended = true;
    entry.stop?.();
    return true;
  }

  /** Ends every subscription (the connection closed). */
  stopAll(): void {
    for (const id of [...this.entries.keys()]) this.stop(id);
  }
}
