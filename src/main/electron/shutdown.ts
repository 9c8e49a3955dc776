import type { App } from 'electron';
import type { Logger } from '../logger';

/**
 * Makes quitting wait for `closeServices`: the first `before-quit` is cancelled, the
 * services are closed and flushed, then the app quits for real. Also turns SIGINT and
 * SIGTERM into a normal quit. Safe against repeated quit requests while closing.
 */
export function installGracefulShutdown(
  app: Pick<App, 'on' | 'quit' | 'exit'>,
  closeServices: () => Promise<void>,
  logger: Logger,
): void {
  let state: 'running' | 'closing' | 'closed' = 'running';
  app.on('before-quit', (event) => {
    if (state === 'closed') return;
    event.preventDefault();
    if (state === 'closing') return;
    state = 'closing';
    logger.info('shutting down');
    closeServices()
      .catch((err: Error) => logger.error(`shutdown failed: ${err.message}`))
      .finally(() => {
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
