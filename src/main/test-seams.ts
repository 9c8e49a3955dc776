/**
 * Test seams a `logdock serve` child process takes from its environment: tests that run
 * the real CLI cannot reach into the process, so they hold it at a point through a file.
 */
import { access } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * LOGDOCK_TEST_RECOVERY_GATE=<topic>:<path>: the background recovery scan of each of the
 * topic's partitions waits until `path` exists, so that a test sees the process serve while
 * they recover however slowly the machine starts it, then creates the file to let them
 * finish (test/main/cli/commands/serve-recovery.test.ts). Other topics' partitions, which
 * the start may wait for, recover at once. Undefined when unset.
 */
export function recoveryGateFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): ((name: string) => Promise<void>) | undefined {
  const spec = env.LOGDOCK_TEST_RECOVERY_GATE;
  const colon = spec?.indexOf(':') ?? -1;
  if (!spec || colon < 1) return undefined;
  const topic = spec.slice(0, colon);
  const path = spec.slice(colon + 1);
  return async (name) => {
    if (name.slice(0, name.lastIndexOf('-')) !== topic) return; // `topic-partition`
    while (!(await exists(path))) await sleep(50);
  };
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );
