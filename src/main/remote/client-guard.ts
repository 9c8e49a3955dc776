/**
 * A guard around one defect of @platformatic/kafka 1.35: when a request fails on its first
 * try with a plain Error (a reply the client cannot parse, e.g. a broker answering garbage),
 * its metadata callback calls `error.findBy(...)`, which only its own error classes have. The
 * TypeError is thrown inside a socket callback, where nothing catches it: the request never
 * ends and the process gets an uncaught exception, so a hostile or broken broker could take
 * Logdock down. The client's own errors answer `findBy` with the matching error or undefined;
 * here every other Error answers undefined ("no such error in the chain"), which is the
 * truth, and the client then fails the request with the original error.
 *
 * Installed once, only where absent, not enumerable. Proved by
 * test/main/remote/hostile-broker.test.ts; remove when the client checks the method itself.
 */
export function guardClientErrors(): void {
  if ('findBy' in Error.prototype) return;
  Object.defineProperty(Error.prototype, 'findBy', {
    value: function findBy(): undefined {
      return undefined;
    },
    writable: true,
    configurable: true,
    enumerable: false,
  });
}
