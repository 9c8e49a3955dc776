import { writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { LogdockError } from '../../../src/common/errors';
import { loadListenerTls, startKafkaServer } from '../../../src/main/protocol';
import { makeCertificates, type Certificates } from '../../certificates';
import { runProcess, useLogdock, waitFor, type Logdock } from './helpers';

// The listener's SSL and SASL_SSL modes, with certificates made by openssl and real clients
// (kcat), and what reaches a TLS port that is not TLS (and the reverse).

const logdock = useLogdock();

async function certificates(): Promise<Certificates> {
  return makeCertificates(await logdock.tempDir('logdock-listener-certs-'));
}

function kcatTls(ca: string): string[] {
  return ['-X', 'security.protocol=ssl', '-X', `ssl.ca.location=${ca}`];
}

/** Produces `lines` with kcat and reads them back; returns what kcat consumed. */
async function roundTrip(ld: Logdock, auth: string[], topic: string): Promise<string> {
  const produced = await runProcess('kcat', ['-b', ld.bootstrap, ...auth, '-P', '-t', topic], {
    input: 'first\nsecond\nthird\n',
  });
  expect(produced.code, produced.stderr).toBe(0);
  const consumed = await runProcess('kcat', [
    ...['-b', ld.bootstrap, ...auth, '-C', '-t', topic, '-o', 'beginning', '-e', '-q'],
  ]);
  expect(consumed.code, consumed.stderr).toBe(0);
  return consumed.stdout;
}

/** Resolves once the listener still answers a Kafka request in plaintext... over TLS. */
async function answersOverTls(ld: Logdock, ca: string): Promise<void> {
  const metadata = await runProcess('kcat', ['-b', ld.bootstrap, ...kcatTls(ca), '-L']);
  expect(metadata.code, metadata.stderr).toBe(0);
  expect(metadata.stdout).toMatch(/1 brokers:/);
}

describe('the Kafka listener over TLS', () => {
  it('lets kcat produce and consume with security.protocol=ssl and the CA file', async () => {
    const certs = await certificates();
    const ld = await logdock.start({
      tls: { certFile: certs.server.cert, keyFile: certs.server.key },
    });
    expect(await roundTrip(ld, kcatTls(certs.caFile), 'tls-topic')).toBe('first\nsecond\nthird\n');
  });

  it('lets kcat produce and consume over SASL_SSL, and refuses a wrong password', async () => {
    const certs = await certificates();
    const ld = await logdock.start({
      sasl: [{ username: 'shipper', password: 's3cret' }],
      tls: { certFile: certs.server.cert, keyFile: certs.server.key },
    });
    const sasl = (password: string) => [
      ...['-X', 'security.protocol=sasl_ssl', '-X', `ssl.ca.location=${certs.caFile}`],
      ...['-X', 'sasl.mechanisms=PLAIN', '-X', 'sasl.username=shipper'],
      ...['-X', `sasl.password=${password}`],
    ];
    expect(await roundTrip(ld, sasl('s3cret'), 'sasl-ssl')).toBe('first\nsecond\nthird\n');
    const refused = await runProcess('kcat', ['-b', ld.bootstrap, ...sasl('guess'), '-L'], {
      timeoutMs: 20_000,
    });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/Authentication failed|SASL authentication error/i);
  });

  it('refuses a client that does not trust its certificate, and one without the required client certificate', async () => {
    const certs = await certificates();
    const ld = await logdock.start({
      tls: { certFile: certs.server.cert, keyFile: certs.server.key, caFile: certs.caFile },
    });
    const untrusting = await runProcess(
      'kcat',
      ['-b', ld.bootstrap, ...kcatTls(certs.otherCaFile), '-L', '-m', '2'],
      {
        timeoutMs: 20_000,
      },
    );
    expect(untrusting.code).not.toBe(0);
    expect(untrusting.stderr).toMatch(/certificate verify failed/i);

    const anonymous = await runProcess(
      'kcat',
      ['-b', ld.bootstrap, ...kcatTls(certs.caFile), '-L', '-m', '2'],
      {
        timeoutMs: 20_000,
      },
    );
    expect(anonymous.code).not.toBe(0);
    await waitFor(
      () =>
        ld.logs.some((l) =>
          /TLS handshake with .* failed: the client presented no certificate/.test(l),
        ),
      () => `a log naming the missing client certificate, in:\n${ld.logs.join('\n')}`,
    );

    const withCert = [
      ...kcatTls(certs.caFile),
      ...['-X', `ssl.certificate.location=${certs.client.cert}`],
      ...['-X', `ssl.key.location=${certs.client.key}`],
    ];
    expect(await roundTrip(ld, withCert, 'mtls')).toBe('first\nsecond\nthird\n');
  });

  it('logs a plaintext client and garbage on the TLS port, and keeps serving TLS clients', async () => {
    const certs = await certificates();
    const ld = await logdock.start({
      tls: { certFile: certs.server.cert, keyFile: certs.server.key },
    });
    const plaintext = await runProcess('kcat', ['-b', ld.bootstrap, '-L', '-m', '2'], {
      timeoutMs: 20_000,
    });
    expect(plaintext.code).not.toBe(0);
    await waitFor(
      () =>
        ld.logs.some((l) =>
          /TLS handshake with 127\.0\.0\.1 failed: the client does not speak TLS/.test(l),
        ),
      () => `a log naming the plaintext client, in:\n${ld.logs.join('\n')}`,
    );

    const garbage = connect(ld.port, '127.0.0.1');
    garbage.on('error', () => undefined);
    garbage.end(Buffer.from('\x00\xff garbage that is neither TLS nor Kafka \x16\x03\x01'));
    await new Promise((resolve) => garbage.once('close', resolve));
    await answersOverTls(ld, certs.caFile);
  });

  it('tells a TLS client on a plaintext port that the listener speaks plaintext, and keeps serving', async () => {
    const certs = await certificates();
    const ld = await logdock.start();
    const socket = tlsConnect({ port: ld.port, host: '127.0.0.1', ca: [certs.caFile] });
    const failed = await new Promise<Error>((resolve) => socket.once('error', resolve));
    expect(failed).toBeInstanceOf(Error);
    await waitFor(
      () =>
        ld.logs.some((l) =>
          /the bytes are a TLS handshake: this listener speaks plaintext/.test(l),
        ),
      () => `a log naming the TLS client, in:\n${ld.logs.join('\n')}`,
    );
    const metadata = await runProcess('kcat', ['-b', ld.bootstrap, '-L']);
    expect(metadata.code, metadata.stderr).toBe(0);
  });
});

describe('loadListenerTls', () => {
  it('names the file that is missing, not a certificate, or not the key of the certificate', async () => {
    const certs = await certificates();
    const dir = await logdock.tempDir('logdock-bad-certs-');
    const junk = join(dir, 'junk.pem');
    await writeFile(junk, 'not a certificate\n');
    const failure = async (files: Parameters<typeof loadListenerTls>[0]) => {
      const err = await loadListenerTls(files).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(LogdockError);
      return err as LogdockError;
    };
    const missing = await failure({ certFile: join(dir, 'nope.pem'), keyFile: certs.server.key });
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.message).toContain(join(dir, 'nope.pem'));

    const notCert = await failure({ certFile: junk, keyFile: certs.server.key });
    expect(notCert.code).toBe('INVALID_CONFIG');
    expect(notCert.message).toContain(`certificate ${junk} is not a PEM certificate`);

    const notKey = await failure({ certFile: certs.server.cert, keyFile: junk });
    expect(notKey).toMatchObject({ code: 'INVALID_CONFIG' });
    expect(notKey.message).toContain(`key ${junk}`);

    const otherKey = await failure({ certFile: certs.server.cert, keyFile: certs.client.key });
    expect(otherKey.code).toBe('INVALID_CONFIG');
    expect(otherKey.message).toContain(
      `${certs.client.key} does not belong to certificate ${certs.server.cert}`,
    );

    const badCa = await failure({
      ...{ certFile: certs.server.cert, keyFile: certs.server.key },
      caFile: junk,
    });
    expect(badCa.code).toBe('INVALID_CONFIG');
    expect(badCa.message).toContain(`CA file ${junk}`);

    // The listener refuses to start on such files, naming them.
    const ld = await logdock.start();
    await expect(
      startKafkaServer(ld.broker, {
        port: 0,
        tls: { certFile: certs.server.cert, keyFile: certs.client.key },
      }),
    ).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
  });
});
