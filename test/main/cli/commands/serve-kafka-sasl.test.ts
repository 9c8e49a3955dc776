import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeCertificates } from '../../../certificates';
import { runProcess } from '../../protocol/helpers';
import { serveWithKafka } from '../../shipping/serve-kafka';
import { serveArgs, spawnLogdock, stopLogdock, type LogdockProcess } from './serve-process';

// SASL users (and TLS files) of Logdock's own Kafka listener from `serve` flags and from a
// `--config` file, proved with kcat (librdkafka) against a real `logdock serve` process.

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const undo of cleanups.splice(0).reverse()) await undo().catch(() => undefined);
});

async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function usersFile(dir: string, text: string, mode = 0o600): Promise<string> {
  const path = join(dir, 'users.txt');
  await writeFile(path, text);
  await chmod(path, mode);
  return path;
}

async function serve(args: string[]) {
  const served = await serveWithKafka(args, (run) => cleanups.push(() => stopLogdock(run)));
  return served;
}

const sasl = (user: string, password: string, protocol = 'SASL_PLAINTEXT') => [
  ...['-X', `security.protocol=${protocol}`, '-X', 'sasl.mechanisms=PLAIN'],
  ...['-X', `sasl.username=${user}`, '-X', `sasl.password=${password}`],
];

/** kcat -P then -C of two lines; the code and what was read back. */
async function roundTrip(bootstrap: string, security: string[], topic: string) {
  const produced = await runProcess('kcat', ['-b', bootstrap, ...security, '-P', '-t', topic], {
    input: 'alpha\nbeta\n',
    timeoutMs: 60_000,
  });
  if (produced.code !== 0) return { code: produced.code, lines: [], stderr: produced.stderr };
  const consumed = await runProcess(
    'kcat',
    ['-b', bootstrap, ...security, '-C', '-t', topic, '-o', 'beginning', '-e', '-q'],
    { timeoutMs: 60_000 },
  );
  return {
    code: consumed.code,
    lines: consumed.stdout.split('\n').filter(Boolean),
    stderr: consumed.stderr,
  };
}

/** kcat -L: whether the listener lets this client in (metadata within 5 s; refused clients wait it out). */
async function admitted(bootstrap: string, security: string[]): Promise<boolean> {
  const listed = await runProcess('kcat', ['-b', bootstrap, ...security, '-L', '-m', '5'], {
    timeoutMs: 60_000,
  });
  return listed.code === 0;
}

describe('logdock serve with SASL users on its Kafka listener', () => {
  it('lets in the users of --kafka-sasl-users over SASL_PLAINTEXT and no one else', async () => {
    const dir = await tempDir('logdock-serve-sasl-');
    const users = await usersFile(dir, '# team\nalice:s3cret:with:colons\nbob:hunter2\n');
    const ld = await serve([...serveArgs(join(dir, 'data')), '--kafka-sasl-users', users]);
    expect(ld.run.err()).toMatch(/listening on \S+ \(SASL\/PLAIN\)/);
    expect(await roundTrip(ld.bootstrap, sasl('alice', 's3cret:with:colons'), 'a')).toMatchObject({
      code: 0,
      lines: ['alpha', 'beta'],
    });
    expect((await roundTrip(ld.bootstrap, sasl('bob', 'hunter2'), 'b')).code).toBe(0);
    expect(await admitted(ld.bootstrap, sasl('bob', 'wrong'))).toBe(false);
    expect(await admitted(ld.bootstrap, [])).toBe(false);
    expect(ld.run.hasExited()).toBe(false);
  });

  it('takes TLS files and the users file from the kafka section of --config (SASL_SSL)', async () => {
    const dir = await tempDir('logdock-serve-sasl-config-');
    const certs = await makeCertificates(dir);
    await usersFile(dir, 'carol:pa55\n');
    const config = join(dir, 'logdock.yaml');
    // Paths relative to the config file.
    await writeFile(
      config,
      [
        'kafka:',
        '  tls:',
        `    certFile: ${certs.server.cert}`,
        `    keyFile: ${certs.server.key}`,
        '  saslUsersFile: users.txt',
        '',
      ].join('\n'),
    );
    const ld = await serve([...serveArgs(join(dir, 'data')), '--config', config]);
    expect(ld.run.err()).toMatch(/listening on \S+ \(TLS, SASL\/PLAIN\)/);
    const secure = [...sasl('carol', 'pa55', 'SASL_SSL'), '-X', `ssl.ca.location=${certs.caFile}`];
    expect(await roundTrip(ld.bootstrap, secure, 'c')).toMatchObject({
      code: 0,
      lines: ['alpha', 'beta'],
    });
    const plaintext = sasl('carol', 'pa55');
    expect(await admitted(ld.bootstrap, plaintext)).toBe(false);
  });

  it('stops at once, naming the file and line, for a users file others can read or a malformed one', async () => {
    const dir = await tempDir('logdock-serve-sasl-bad-');
    const runs: LogdockProcess[] = [];
    const start = (args: string[]) => {
      const run = spawnLogdock(['serve', ...serveArgs(join(dir, `data-${runs.length}`)), ...args]);
      runs.push(run);
      cleanups.push(() => stopLogdock(run));
      return run;
    };
    const open = await usersFile(dir, 'dave:pw\n', 0o644);
    const readable = start(['--kafka-sasl-users', open]);
    expect(await readable.exited).toBe(1);
    expect(readable.err()).toContain(
      `INVALID_CONFIG: SASL users file ${open} can be read by other users (mode 644)`,
    );

    const malformed = await usersFile(dir, 'erin:pw\n\njust-a-name\n');
    const bad = start(['--kafka-sasl-users', malformed]);
    expect(await bad.exited).toBe(1);
    expect(bad.err()).toContain(`SASL users file ${malformed} line 3: expected user:password`);

    const config = join(dir, 'bad.yaml');
    await writeFile(config, 'kafka:\n  saslUser: frank\n');
    const unknownKey = start(['--config', config]);
    expect(await unknownKey.exited).toBe(1);
    expect(unknownKey.err()).toMatch(/INVALID_CONFIG: .*bad\.yaml: kafka: Unrecognized key/);
  });
});
