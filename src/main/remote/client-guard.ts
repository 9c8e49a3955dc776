import { subscribe } from 'node:diagnostics_channel';
import { kafkaLib } from './kafka-lib';

/**
 * A guard around one defect of @platformatic/kafka 1.35 (the last 1.x; 2.x needs Node 22):
 * when a request fails with a plain Error (a reply the client cannot parse, e.g. a broker
 * answering garbage) and the client does not retry it (`retries: 0`, as Test connection
 * asks), its metadata callback calls `error.findBy(...)`, which only its own error classes
 * have. The TypeError is thrown inside a socket callback, where nothing catches it: the
 * request never ends and the process gets an uncaught exception, so a hostile or broken
 * broker could take Logdock down.
 *
 * Every such error passes through the client's own diagnostics channel for requests
 * (`connectionsApiChannel`'s error event, published before the request's callback runs), so
 * the guard gives just those errors a `findBy` that answers undefined ("no such error in the
 * chain", which is the truth) and the client then fails the request with the original error.
 * No other Error in the process is touched (an earlier version patched Error.prototype).
 *
 * Installed once per process. Proved by test/main/remote/hostile-broker.test.ts; remove when
 * the client checks the method itself.
 */
let installed = false;

export function guardClientErrors(): void {
  if (installed) return;
  installed = true;
  subscribe(kafkaLib().connectionsApiChannel.error.name, (event) => {
    const error = (event as { error?: unknown }).error;
    if (!(error instanceof Error) || 'findBy' in error) return;
    Object.defineProperty(error, 'findBy', {
      value: function findBy(): undefined {
        return undefined;
      },
      writable: true,
      configurable: true,
      enumerable: false,
    });
  });
}
