import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { ClusterInput, SecurityInput } from '../../../src/common/api/clusters';
import { testConnection } from '../../../src/main/remote/test-connection';
import { useLogdock, waitFor } from '../protocol/helpers';
import { startMockCluster } from '../../tools/mock-cluster';
import { makeCertificates } from '../../certificates';

// "Test connection" against real peers: a Logdock Kafka listener (plaintext, SASL/PLAIN, and
// TLS with certificates made by openssl), a port nobody listens
// on, a server that accepts and never answers, and librdkafka's mock cluster (as a current
// cluster, and set to answer as one older than the client supports).

const logdock = useLogdock();

function cluster(
  bootstrap: string,
  security: SecurityInput = { protocol: 'PLAINTEXT' },
): ClusterInput {
  return {
    name: 'remote',
    colour: '#3b82f6',
    bootstrapServers: [bootstrap],
    security,
    readOnly: false,
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('testConnection', () => {
  it('reports the brokers, controller and API versions of a reachable cluster', async () => {
    const ld = await logdock.start();
    const result = await testConnection(cluster(ld.bootstrap));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.brokers).toEqual([{ id: 0, host: '127.0.0.1', port: ld.port, rack: null }]);
    expect(result.controller).toBe(0);
    expect(result.apiVersions.find((a) => a.name === 'Fetch')).toMatchObject({ apiKey: 1, min: 0 });
  });

  it('authenticates with SASL/PLAIN and names a wrong password as an authentication failure', async () => {
    const ld = await logdock.start({ sasl: [{ username: 'alice', password: 's3cret' }] });
    const sasl = (password: string): SecurityInput => ({
      protocol: 'SASL_PLAINTEXT',
      sasl: { mechanism: 'PLAIN', username: 'alice', password },
    });
    expect((await testConnection(cluster(ld.bootstrap, sasl('s3cret')))).ok).toBe(true);
    const wrong = await testConnection(cluster(ld.bootstrap, sasl('guess')));
    expect(wrong).toMatchObject({ ok: false, reason: 'authentication' });
    const scram = await testConnection(
      cluster(ld.bootstrap, {
        protocol: 'SASL_PLAINTEXT',
        sasl: { mechanism: 'SCRAM-SHA-512', username: 'alice', password: 's3cret' },
      }),
    );
    expect(scram).toMatchObject({ ok: false, reason: 'authentication' });
    expect(!scram.ok && scram.message).toMatch(/mechanism/);
  });

  it('tells an unreachable host from one that accepts and never answers', async () => {
    const port = await freePort();
    const refused = await testConnection(cluster(`127.0.0.1:${port}`));
    expect(refused).toMatchObject({ ok: false, reason: 'unreachable' });
    expect(!refused.ok && refused.message).toContain(`127.0.0.1:${port}`);
    const unknownHost = await testConnection(cluster('no-such-host.invalid:9092'));
    expect(unknownHost).toMatchObject({ ok: false, reason: 'unreachable' });

    // Accepts and never answers; its sockets are destroyed at the end so close() returns.
    const accepted = new Set<Socket>();
    const silent: Server = createServer((socket) => accepted.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    logdock.onCleanup(() => {
      for (const socket of accepted) socket.destroy();
      return new Promise((resolve) => silent.close(resolve));
    });
    const { port: silentPort } = silent.address() as AddressInfo;
    const started = Date.now();
    const timedOut = await testConnection(cluster(`127.0.0.1:${silentPort}`), { timeoutMs: 800 });
    expect(timedOut).toMatchObject({ ok: false, reason: 'timeout' });
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('says the broker closed the connection when it hangs up, as one that expects SASL does', async () => {
    // Accepts and hangs up at once.
    const rude: Server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => rude.listen(0, '127.0.0.1', resolve));
    logdock.onCleanup(() => new Promise((resolve) => rude.close(resolve)));
    const { port } = rude.address() as AddressInfo;
    const hungUp = await testConnection(cluster(`127.0.0.1:${port}`));
    expect(hungUp).toMatchObject({ ok: false, reason: 'closed' });

    // A Logdock requiring SASL, reached without it.
    const ld = await logdock.start({ sasl: [{ username: 'alice', password: 's3cret' }] });
    const plain = await testConnection(cluster(ld.bootstrap));
    expect(plain).toMatchObject({ ok: false, reason: 'closed' });
  });

  it('connects over TLS with the CA file and refuses an untrusted or misnamed certificate', async () => {
    const certs = await makeCertificates(await logdock.tempDir('logdock-certs-'));
    const ld = await logdock.start();
    const good = await logdock.start({
      tls: { certFile: certs.server.cert, keyFile: certs.server.key },
    });
    const misnamed = await logdock.start({
      tls: { certFile: certs.wrongName.cert, keyFile: certs.wrongName.key },
    });
    const tls = (caFile: string, checkHostname = true): SecurityInput => ({
      protocol: 'SSL',
      tls: { caFile, checkHostname },
    });

    expect(
      await testConnection(cluster(`127.0.0.1:${good.port}`, tls(certs.caFile))),
    ).toMatchObject({ ok: true });
    expect(
      await testConnection(cluster(`127.0.0.1:${good.port}`, tls(certs.otherCaFile))),
    ).toMatchObject({
      ok: false,
      reason: 'tls',
    });
    expect(
      await testConnection(cluster(`127.0.0.1:${misnamed.port}`, tls(certs.caFile))),
    ).toMatchObject({
      ok: false,
      reason: 'tls',
    });
    // Without the name check the chain is still verified, so the misnamed peer is accepted...
    expect(
      await testConnection(cluster(`127.0.0.1:${misnamed.port}`, tls(certs.caFile, false))),
    ).toMatchObject({
      ok: true,
    });
    // ...and one signed by an unknown CA still is not.
    expect(
      await testConnection(cluster(`127.0.0.1:${good.port}`, tls(certs.otherCaFile, false))),
    ).toMatchObject({
      ok: false,
      reason: 'tls',
    });
    // TLS towards a plaintext listener fails in the handshake.
    expect(await testConnection(cluster(ld.bootstrap, tls(certs.caFile)))).toMatchObject({
      ok: false,
      reason: 'tls',
    });
  });

  it('presents a client certificate to a peer that requires one', async () => {
    const certs = await makeCertificates(await logdock.tempDir('logdock-certs-'));
    const mtls = await logdock.start({
      tls: { certFile: certs.server.cert, keyFile: certs.server.key, caFile: certs.caFile },
    });
    const bootstrap = `127.0.0.1:${mtls.port}`;
    const withCert = await testConnection(
      cluster(bootstrap, {
        protocol: 'SSL',
        tls: {
          caFile: certs.caFile,
          certFile: certs.client.cert,
          keyFile: certs.client.key,
          checkHostname: true,
        },
      }),
    );
    expect(withCert).toMatchObject({ ok: true });
    const without = await testConnection(
      cluster(bootstrap, { protocol: 'SSL', tls: { caFile: certs.caFile, checkHostname: true } }),
    );
    expect(without).toMatchObject({ ok: false });
    await waitFor(
      () => mtls.logs.some((l) => /presented no certificate/.test(l)),
      () => `the listener's log of the client without a certificate, in:\n${mtls.logs.join('\n')}`,
    );
  });

  it('names a TLS file that cannot be read', async () => {
    const result = await testConnection(
      cluster('127.0.0.1:9', {
        protocol: 'SSL',
        tls: { caFile: '/nonexistent/ca.pem', checkHostname: true },
      }),
    );
    expect(result).toMatchObject({ ok: false, reason: 'error' });
    expect(!result.ok && result.message).toContain('/nonexistent/ca.pem');
  });

  it('reports the three brokers of a multi-broker cluster, and says one speaking older Kafka versions than the client needs is unsupported', async () => {
    const mock = await startMockCluster(3);
    logdock.onCleanup(() => mock.close());
    const reached = await testConnection(cluster(mock.bootstrap.split(',')[0]));
    expect(reached.ok).toBe(true);
    if (reached.ok) {
      expect(reached.brokers.map((b) => b.id).sort()).toEqual([1, 2, 3]);
      expect(reached.brokers.map((b) => `${b.host}:${b.port}`).sort()).toEqual(
        mock.bootstrap.split(',').sort(),
      );
    }
    // ApiVersions 0..2 only, as brokers before Kafka 2.4 (KIP-511).
    await mock.command('apiversion 18 0 2');
    const result = await testConnection(cluster(mock.bootstrap.split(',')[0]));
    expect(result).toMatchObject({ ok: false, reason: 'unsupported' });
  }, 240_000);
});
