import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { header, readAll, useCollectors, waitFor } from './helpers';

const fixture = useCollectors();

const node = (script: string, extra: Record<string, unknown> = {}) => ({
  type: 'command',
  id: 'svc',
  topic: 'svc-out',
  command: process.execPath,
  args: ['-e', script],
  ...extra,
});

describe('command source', () => {
  it('reads the output no further than it has appended (backpressure)', async () => {
    const total = 200_000;
    await fixture.manager.add(
      node(
        `let i = 0; const more = () => { while (i < ${total}) if (!process.stdout.write('line ' + i++ + ' ' + 'o'.repeat(60) + '\\n')) return process.stdout.once('drain', more); }; more();`,
        { restart: 'never' },
      ),
    );
    const appended = () =>
      fixture.broker.describeTopic('svc-out').partitions.reduce((n, p) => n + p.logEndOffset, 0);
    let ahead = 0;
    await waitFor(
      'every line',
      () => {
        // Lines taken from the pipe but not yet in the log: what a crash would lose.
        ahead = Math.max(ahead, fixture.manager.status()[0].lines - appended());
        return fixture.manager.status()[0].lines >= total && appended() >= total;
      },
      60_000,
    );
    // At most about one read from the pipe (64 KiB, ~70-byte lines) at a time.
    expect(ahead).toBeLessThanOrEqual(1500);
  });

  it('collects stdout and stderr with a stream header, using the given env and cwd, and records the exit code', async () => {
    await fixture.manager.add(
      node(
        'console.log("out " + process.env.GREETING); console.error("err " + process.cwd()); process.exit(3)',
        {
          env: { GREETING: 'hello' },
          cwd: fixture.dir,
          restart: 'never',
        },
      ),
    );
    const records = await waitFor('exit record', async () => {
      const rs = await readAll(fixture.broker, 'svc-out');
      return rs.some((r) => header(r, 'logdock.event') === 'exit') && rs;
    });
    const byStream = (s: string) =>
      records.filter((r) => header(r, 'logdock.stream') === s).map((r) => r.value!.toString());
    expect(byStream('stdout')).toEqual(['out hello']);
    expect(byStream('stderr')).toEqual([`err ${fixture.dir}`]);
    const exit = records.find((r) => header(r, 'logdock.event') === 'exit')!;
    expect(header(exit, 'logdock.exit-code')).toBe('3');
    await waitFor('failed state', () => fixture.manager.status()[0].state === 'failed');
    expect(fixture.manager.status()[0].command).toMatchObject({
      lastExitCode: 3,
      restarts: 0,
      pid: null,
    });
  });

  it("cuts a line longer than the topic's max.message.bytes so that it and the lines around it are stored", async () => {
    // Three lines written at once, so they are sent together: before the fix the middle
    // one's record (its first MiB plus headers) exceeded max.message.bytes=1048588 and
    // the append refused the whole send.
    await fixture.manager.add(
      node(
        `process.stdout.write('before\\n' + 'z'.repeat(3 * 1024 * 1024) + '\\nafter\\n'); setInterval(() => {}, 1000);`,
      ),
    );
    const records = await waitFor('the three lines', async () => {
      const rs = await readAll(fixture.broker, 'svc-out');
      return rs.length >= 3 && rs;
    });
    expect(records.map((r) => r.value!.length)).toEqual([6, expect.any(Number), 5]);
    const long = records[1];
    expect(header(long, 'logdock.cut')).toBe(String(3 * 1024 * 1024));
    expect(long.value!.length).toBeLessThanOrEqual(1048588 - 4096);
    expect(long.value!.every((b) => b === 0x7a)).toBe(true);
    expect(fixture.manager.status()[0].lastError ?? null).toBeNull();
  });

  it('restarts a failing service per its policy', async () => {
    await fixture.manager.add(
      node('console.log("run"); process.exit(1)', { restart: 'on-failure', restartDelayMs: 10 }),
    );
    await waitFor(
      'three runs',
      async () =>
        (await readAll(fixture.broker, 'svc-out')).filter((r) => r.value?.toString() === 'run')
          .length >= 3,
    );
    expect(fixture.manager.status()[0].command!.restarts).toBeGreaterThanOrEqual(2);
  });

  it('does not restart a clean exit under on-failure', async () => {
    await fixture.manager.add(
      node('console.log("once")', { restart: 'on-failure', restartDelayMs: 10 }),
    );
    await waitFor('stopped', () => fixture.manager.status()[0].state === 'stopped');
    expect(fixture.manager.status()[0].command!.restarts).toBe(0);
  });

  it('stops the service when the source is removed and sends its last output', async () => {
    await fixture.manager.add(
      node(
        // The handler first: a SIGTERM between "up" and process.on() would kill it silently.
        'process.on("SIGTERM", () => { console.log("bye"); process.exit(0); }); console.log("up"); setInterval(() => {}, 1000)',
      ),
    );
    await waitFor('up', async () =>
      (await readAll(fixture.broker, 'svc-out')).some((r) => r.value?.toString() === 'up'),
    );
    const pid = fixture.manager.status()[0].command!.pid!;
    await fixture.manager.remove('svc');
    expect(() => process.kill(pid, 0)).toThrow();
    expect((await readAll(fixture.broker, 'svc-out')).map((r) => r.value?.toString())).toContain(
      'bye',
    );
  });

  it('reports a command that cannot start', async () => {
    await fixture.manager.add({
      type: 'command',
      id: 'svc',
      topic: 'svc-out',
      command: join(fixture.dir, 'missing-binary'),
      restart: 'never',
    });
    await waitFor('failed', () => fixture.manager.status()[0].state === 'failed');
    expect(fixture.manager.status()[0].lastError).toMatch(/ENOENT/);
  });
});
