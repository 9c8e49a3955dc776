import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClusterInput, SecurityInput } from '../../../../src/common/api/clusters';
import { clientOptions } from '../../../../src/main/remote/client-options';
import { RemoteCluster } from '../../../../src/main/remote/cluster';
import { testConnection } from '../../../../src/main/remote/test-connection';
import { makeCertificates } from '../../../certificates';
import { waitFor } from '../../../wait';
import { runProcess } from '../../protocol/helpers';
import {
  serveArgs,
  spawnLogdock,
  stopLogdock,
  waitForUrl,
  type LogdockProcess,
} from './serve-process';

// `logdock serve --kafka-tls-cert/--kafka-tls-key` as the remote cluster of another Logdock:
// a real second process with certificates made by openssl, reached by Logdock's own client
// (Test connection, RemoteCluster) and by kcat.

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const undo of cleanups.splice(0).reverse()) await undo().catch(() => undefined);
});

async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Starts `logdock serve` with a TLS Kafka listener; returns its `127.0.0.1:PORT`. */
async function serveTls(
  identity: { cert: string; key: string },
  extra: string[] = [],
): Promise<{ run: LogdockProcess; bootstrap: string }> {
  const dataDir = await tempDir('logdock-serve-kafka-tls-');
  const run = spawnLogdock([
    'serve',
    ...serveArgs(dataDir),
    ...['--kafka-tls-cert', identity.cert, '--kafka-tls-key', identity.key, ...extra],
  ]);
  cleanups.push(() => stopLogdock(run));
  await waitForUrl(run);
  let bootstrap = '';
  await waitFor(
    () => {
      bootstrap = /listening on (127\.0\.0\.1:\d+) \(TLS\)/.exec(run.err())?.[1] ?? '';
      return bootstrap !== '';
    },
    () => `the Kafka listener's address in:\n${run.err()}`,
  );
  return { run, bootstrap };
}

function cluster(bootstrap: string, caFile: string, checkHostname = true): ClusterInput {
  const security: SecurityInput = { protocol: 'SSL', tls: { caFile, checkHostname } };
  return {
    name: 'tls',
    colour: '#0ea5e9',
    bootstrapServers: [bootstrap],
    security,
    readOnly: false,
  };
}

describe('logdock serve with a TLS Kafka listener', () => {
  it('is a remote cluster for Logdock over TLS: test connection, topics and records; an untrusted or misnamed certificate is a TLS failure', async () => {
    const certs = await makeCertificates(await tempDir('logdock-serve-certs-'));
    const [good, misnamed] = await Promise.all([serveTls(certs.server), serveTls(certs.wrongName)]);

    const reached = await testConnection(cluster(good.bootstrap, certs.caFile));
    expect(reached).toMatchObject({ ok: true, controller: 0 });
    const untrusted = await testConnection(cluster(good.bootstrap, certs.otherCaFile));
    expect(untrusted).toMatchObject({ ok: false, reason: 'tls' });
    const wrongName = await testConnection(cluster(misnamed.bootstrap, certs.caFile));
    expect(wrongName).toMatchObject({ ok: false, reason: 'tls' });
    expect(!wrongName.ok && wrongName.message).toMatch(/other\.example|altnames|host/i);
    await waitFor(
      () =>
        /TLS handshake with .* failed: the client closed the connection .* does not trust/.test(
          good.run.err(),
        ),
      () => `the server's log of the untrusting client in:\n${good.run.err()}`,
    );

    // Records written by kcat over TLS, read back through RemoteCluster over TLS.
    const kcat = ['-X', 'security.protocol=ssl', '-X', `ssl.ca.location=${certs.caFile}`];
    const produced = await runProcess(
      'kcat',
      ['-b', good.bootstrap, ...kcat, '-P', '-t', 'secure'],
      {
        input: 'alpha\nbeta\n',
      },
    );
    expect(produced.code, produced.stderr).toBe(0);
    const remote = new RemoteCluster({
      name: 'tls',
      client: await clientOptions(cluster(good.bootstrap, certs.caFile), 'logdock-test'),
      readOnly: false,
    });
    cleanups.push(() => remote.close());
    expect((await remote.listTopics()).map((t) => t.name)).toContain('secure');
    const records = await remote.readRecords('secure', 0, 0, { maxRecords: 10 });
    expect(records.map((r) => r.value?.toString())).toEqual(['alpha', 'beta']);
    expect(good.run.hasExited()).toBe(false);
  });

  it('stops at once, naming the file, when a TLS file is wrong or an option is missing', async () => {
    const certs = await makeCertificates(await tempDir('logdock-serve-certs-'));
    const dataDir = await tempDir('logdock-serve-kafka-tls-bad-');
    const junk = join(dataDir, 'junk.pem');
    await writeFile(junk, 'garbage');
    const wrongKey = spawnLogdock([
      'serve',
      ...serveArgs(dataDir),
      ...['--kafka-tls-cert', certs.server.cert, '--kafka-tls-key', junk],
    ]);
    const caAlone = spawnLogdock(['serve', ...serveArgs(dataDir), '--kafka-tls-ca', certs.caFile]);
    cleanups.push(
      () => stopLogdock(wrongKey),
      () => stopLogdock(caAlone),
    );
    expect(await wrongKey.exited).toBe(1);
    expect(wrongKey.err()).toContain(`INVALID_CONFIG: kafka listener TLS key ${junk}`);
    expect(await caAlone.exited).toBe(1);
    expect(caAlone.err()).toContain('--kafka-tls-ca needs --kafka-tls-cert and --kafka-tls-key');
  });
});
