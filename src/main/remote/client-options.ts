import { readFile } from 'node:fs/promises';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import type { SASLOptions } from '@platformatic/kafka';
import type { ClusterInput } from '../../common/api/clusters';
import { LogdockError } from '../../common/errors';
import { guardClientErrors } from './client-guard';

/** What every @platformatic/kafka client of a remote cluster is built with. */
export interface RemoteClientOptions {
  clientId: string;
  bootstrapBrokers: string[];
  tls?: TlsOptions;
  sasl?: SASLOptions;
}

/**
 * Turns a cluster's settings (with secrets) into client options: reads the CA, certificate
 * and key files now, so a missing or unreadable file is reported by name before any
 * connection is tried.
 * @throws LogdockError INVALID_CONFIG naming the file that cannot be read.
 */
export async function clientOptions(
  cluster: ClusterInput,
  clientId = 'logdock',
): Promise<RemoteClientOptions> {
  guardClientErrors(); // every client is made with these options: see client-guard.ts
  const { security } = cluster;
  const options: RemoteClientOptions = { clientId, bootstrapBrokers: cluster.bootstrapServers };
  if ('tls' in security) {
    const { caFile, certFile, keyFile, keyPassphrase, checkHostname } = security.tls;
    options.tls = {
      rejectUnauthorized: true,
      ...(caFile ? { ca: await readPem(caFile, 'CA file') } : {}),
      ...(certFile ? { cert: await readPem(certFile, 'certificate file') } : {}),
      ...(keyFile ? { key: await readPem(keyFile, 'key file') } : {}),
      ...(keyPassphrase ? { passphrase: keyPassphrase } : {}),
      // The chain is still verified; only the name in it is not compared with the host.
      ...(checkHostname ? {} : { checkServerIdentity: () => undefined }),
    };
  }
  if ('sasl' in security) {
    options.sasl = {
      mechanism: security.sasl.mechanism,
      username: security.sasl.username,
      password: security.sasl.password ?? '',
    };
  }
  return options;
}

async function readPem(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    throw new LogdockError(
      'INVALID_CONFIG',
      `TLS ${what} ${path} cannot be read: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
}
