/**
 * A real TLS peer for the client's TLS path: certificates made by openssl (a test CA, server
 * certificates for 127.0.0.1/localhost and for another name, a client certificate, and an
 * unrelated CA), and a TLS terminator in front of a Logdock Kafka listener.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { connect, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createServer, type Server } from 'node:tls';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Certificates {
  caFile: string;
  otherCaFile: string;
  server: { cert: string; key: string };
  /** Valid, but for the name other.example only. */
  wrongName: { cert: string; key: string };
  client: { cert: string; key: string };
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

async function selfSignedCa(dir: string, name: string): Promise<{ cert: string; key: string }> {
  const cert = join(dir, `${name}.pem`);
  const key = join(dir, `${name}.key`);
  await run('openssl', [
    'req',
    '-x509',
    ...EC,
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
  ]);
  return { cert, key };
}

async function signed(
  dir: string,
  ca: { cert: string; key: string },
  name: string,
  subjectAltName: string | null,
): Promise<{ cert: string; key: string }> {
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const cert = join(dir, `${name}.pem`);
  await run('openssl', ['req', ...EC, '-keyout', key, '-out', csr, '-subj', `/CN=${name}`]);
  const ext = join(dir, `${name}.ext`);
  await writeFile(
    ext,
    subjectAltName ? `subjectAltName=${subjectAltName}\n` : 'basicConstraints=CA:FALSE\n',
  );
  await run('openssl', [
    ...['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial'],
    ...['-out', cert, '-days', '2', '-extfile', ext],
  ]);
  return { cert, key };
}

export async function makeCertificates(dir: string): Promise<Certificates> {
  const ca = await selfSignedCa(dir, 'test-ca');
  const other = await selfSignedCa(dir, 'other-ca');
  return {
    caFile: ca.cert,
    otherCaFile: other.cert,
    server: await signed(dir, ca, 'server', 'DNS:localhost,IP:127.0.0.1'),
    wrongName: await signed(dir, ca, 'wrong-name', 'DNS:other.example'),
    client: await signed(dir, ca, 'client', null),
  };
}

export interface TlsPeer {
  port: number;
  close(): Promise<void>;
}

/**
 * Terminates TLS on a random port and forwards the bytes to `targetPort` (a Logdock Kafka
 * listener). With `clientCa`, clients must present a certificate signed by it.
 */
export async function startTlsPeer(
  targetPort: number,
  identity: { cert: string; key: string },
  clientCa?: string,
): Promise<TlsPeer> {
  const server: Server = createServer(
    {
      cert: await readFile(identity.cert),
      key: await readFile(identity.key),
      ...(clientCa
        ? { ca: await readFile(clientCa), requestCert: true, rejectUnauthorized: true }
        : {}),
    },
    (secure) => {
      const plain = connect(targetPort, '127.0.0.1');
      secure.pipe(plain).pipe(secure);
      const end = () => {
        secure.destroy();
        plain.destroy();
      };
      secure.on('error', end);
      plain.on('error', end);
    },
  );
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
