import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Broker } from '../../../src/main/broker/broker';
import { CollectorManager } from '../../../src/main/collectors';
import { type CollectorFixture, header, readAll, startCollectors, waitFor } from './helpers';

let fixture: CollectorFixture;
let dir: string;
let broker: Broker;
let manager: CollectorManager;

beforeEach(async () => {
  fixture = await startCollectors();
  ({ dir, broker, manager } = fixture);
});

afterEach(() => fixture.close());

const node = (script: string, extra: Record<string, unknown> = {}) => ({
  type: 'command',
  id: 'svc',
  topic: 'svc-out',
  command: process.execPath,
  args: ['-e', script],
  ...extra,
});

describe('command source', () => {
  it('collects stdout and stderr with a stream header, using the given env and cwd, and records the exit code', async () => {
    await manager.add(
      node(
        'console.log("out " + process.env.GREETING); console.error("err " + process.cwd()); process.exit(3)',
        {
          env: { GREETING: 'hello' },
          cwd: dir,
          restart: 'never',
        },
      ),
    );
    const records = await waitFor('exit record', async () => {
      const rs = await readAll(broker, 'svc-out');
      return rs.some((r) => header(r, 'logdock.event') === 'exit') && rs;
    });
    const byStream = (s: string) =>
      records.filter((r) => header(r, 'logdock.stream') === s).map((r) => r.value!.toString());
    expect(byStream('stdout')).toEqual(['out hello']);
    expect(byStream('stderr')).toEqual([`err ${dir}`]);
    const exit = records.find((r) => header(r, 'logdock.event') === 'exit')!;
    expect(header(exit, 'logdock.exit-code')).toBe('3');
    await waitFor('failed state', () => manager.status()[0].state === 'failed');
    expect(manager.status()[0].command).toMatchObject({ lastExitCode: 3, restarts: 0, pid: null });
  });

  it('restarts a failing service per its policy', async () => {
    await manager.add(
      node('console.log("run"); process.exit(1)', { restart: 'on-failure', restartDelayMs: 10 }),
    );
    await waitFor(
      'three runs',
      async () =>
        (await readAll(broker, 'svc-out')).filter((r) => r.value?.toString() === 'run').length >= 3,
    );
    expect(manager.status()[0].command!.restarts).toBeGreaterThanOrEqual(2);
  });

  it('does not restart a clean exit under on-failure', async () => {
    await manager.add(node('console.log("once")', { restart: 'on-failure', restartDelayMs: 10 }));
    await waitFor('stopped', () => manager.status()[0].state === 'stopped');
    expect(manager.status()[0].command!.restarts).toBe(0);
  });

  it('stops the service when the source is removed and sends its last output', async () => {
    await manager.add(
      node(
        'console.log("up"); process.on("SIGTERM", () => { console.log("bye"); process.exit(0); }); setInterval(() => {}, 1000)',
      ),
    );
    await waitFor('up', async () =>
      (await readAll(broker, 'svc-out')).some((r) => r.value?.toString() === 'up'),
    );
    const pid = manager.status()[0].command!.pid!;
    await manager.remove('svc');
    expect(() => process.kill(pid, 0)).toThrow();
    expect((await readAll(broker, 'svc-out')).map((r) => r.value?.toString())).toContain('bye');
  });

  it('reports a command that cannot start', async () => {
    await manager.add({
      type: 'command',
      id: 'svc',
      topic: 'svc-out',
      command: join(dir, 'missing-binary'),
      restart: 'never',
    });
    await waitFor('failed', () => manager.status()[0].state === 'failed');
    expect(manager.status()[0].lastError).toMatch(/ENOENT/);
  });
});
