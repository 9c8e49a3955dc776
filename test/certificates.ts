/**
 * Certificates made by openssl at test time for the TLS tests (the Kafka listener's SSL and
 * SASL_SSL, the remote-cluster client's TLS path): a test CA, server certificates for
 * 127.0.0.1/localhost and for another name, a client certificate, and an unrelated CA.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
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
