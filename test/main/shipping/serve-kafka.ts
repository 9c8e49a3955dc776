/**
 * A `logdock serve` child process with its Kafka listener's address, read from its log
 * (`[kafka] listening on HOST:PORT`). Shared by the shipping tests and the shipping bench.
 */
import { spawnLogdock, waitForUrl, type LogdockProcess } from '../cli/commands/serve-process';
import { waitFor } from '../../wait';

export interface ServedLogdock {
  run: LogdockProcess;
  /** `host:port` of its Kafka listener. */
  bootstrap: string;
}

/** Spawns `logdock serve ARGS` and waits for its URL and Kafka listener. */
export async function serveWithKafka(
  args: string[],
  onSpawn: (run: LogdockProcess) => void = () => undefined,
): Promise<ServedLogdock> {
  const run = spawnLogdock(['serve', ...args]);
  onSpawn(run);
  await waitForUrl(run, 90_000);
  const bootstrap = await waitFor(
    () => /\[kafka\] listening on (\S+:\d+)/.exec(run.err())?.[1],
    'the Kafka listener',
  );
  return { run, bootstrap };
}
