import type { App } from 'electron';
import type { Logger } from '../logger';

/**
 * Makes quitting wait for `closeServices`: the first `before-quit` is cancelled, the
 * services are closed and flushed, then the app quits for real. Also turns SIGINT and
 * SIGTERM into a normal quit. Safe against repeated quit requests while closing. A close
 * that hangs for `timeoutMs` is given up on (logged) so that the app still quits; the log's
 * recovery on the next start covers whatever was not flushed.
 */
export function installGracefulShutdown(
  app: Pick<App, 'on' | 'quit' | 'exit'>,
  closeServices: () => Promise<void>,
  logger: Logger,
  timeoutMs = 30_000,
): void {
  let state: 'running' | 'closing' | 'closed' = 'running';
  app.on('before-quit', (event) => {
    if (state === 'closed') return;
    event.preventDefault();
    if (state === 'closing') return;
    state = 'closing';
    logger.info('shutting down');
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        logger.error(`services did not close within ${timeoutMs} ms; quitting anyway`);
        resolve();
      }, timeoutMs);
    });
    Promise.race([closeServices(), gaveUp])
      .catch((err: Error) => logger.error(`shutdown failed: ${err.message}`))
      .finally(() => {
        clearTimeout(timer);
        state = 'closed';
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        app.quit();
      });
  });
  const onSignal = (signal: NodeJS.Signals) => {
    logger.info(`${signal} received`);
    app.quit();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}
