/**
 * TLS of the Kafka listener (Kafka's SSL and SASL_SSL listeners): the PEM files a person
 * names are read and checked once, before anything binds, so a wrong file is reported by
 * its path and the listener never starts half-secure.
 */
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { SecureContextOptions } from 'node:tls';
import { LogdockError } from '../../common/errors';

/** The files of a TLS listener, as settings, `serve` options and config files name them. */
export interface ListenerTlsFiles {
  /** PEM certificate (chain) the listener presents: Kafka's ssl.keystore. */
  certFile: string;
  /** PEM private key of `certFile`. */
  keyFile: string;
  /** Passphrase of an encrypted `keyFile`. */
  keyPassphrase?: string;
  /**
   * PEM CA certificate(s): when given, every client must present a certificate signed by
   * one of them (Kafka's ssl.client.auth=required with ssl.truststore).
   */
  caFile?: string;
}

/** What the listener needs: the secure context's options, and whether clients are verified. */
export interface ListenerTls {
  context: SecureContextOptions;
  requireClientCert: boolean;
  /** The files, for messages. */
  files: ListenerTlsFiles;
}

async function readPem(file: string, what: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new LogdockError(
      code === 'ENOENT' ? 'NOT_FOUND' : 'IO_ERROR',
      `kafka listener TLS ${what} ${file} cannot be read: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

function parseCertificate(pem: Buffer, file: string, what: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (err) {
    throw new LogdockError(
      'INVALID_CONFIG',
      `kafka listener TLS ${what} ${file} is not a PEM certificate: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

function parseKey(pem: Buffer, file: string, passphrase: string | undefined): KeyObject {
  try {
    return createPrivateKey({ key: pem, ...(passphrase !== undefined ? { passphrase } : {}) });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ERR_MISSING_PASSPHRASE'
        ? 'it is encrypted and no passphrase was given'
        : (err as Error).message;
    throw new LogdockError(
      'INVALID_CONFIG',
      `kafka listener TLS key ${file} is not a usable PEM private key: ${why}`,
      { cause: err },
    );
  }
}

/**
 * Reads and checks the listener's TLS files: the certificate parses, the key parses (with
 * its passphrase) and belongs to the certificate, the CA file parses.
 * @throws LogdockError NOT_FOUND / IO_ERROR (a file cannot be read), INVALID_CONFIG (a file
 * is not what it should be, or key and certificate do not match), each naming the file.
 */
export async function loadListenerTls(files: ListenerTlsFiles): Promise<ListenerTls> {
  const cert = await readPem(files.certFile, 'certificate');
  const key = await readPem(files.keyFile, 'key');
  const ca = files.caFile !== undefined ? await readPem(files.caFile, 'CA file') : undefined;
  const x509 = parseCertificate(cert, files.certFile, 'certificate');
  const keyObject = parseKey(key, files.keyFile, files.keyPassphrase);
  if (!x509.checkPrivateKey(keyObject)) {
    throw new LogdockError(
      'INVALID_CONFIG',
      `kafka listener TLS key ${files.keyFile} does not belong to certificate ${files.certFile}`,
    );
  }
  if (ca !== undefined) parseCertificate(ca, files.caFile as string, 'CA file');
  return {
    context: {
      cert,
      key,
      ...(files.keyPassphrase !== undefined ? { passphrase: files.keyPassphrase } : {}),
      ...(ca !== undefined ? { ca } : {}),
    },
    requireClientCert: ca !== undefined,
    files,
  };
}

/** Why a TLS handshake with a client failed, in words a person acts on. */
export function describeHandshakeFailure(err: NodeJS.ErrnoException): string {
  const code = err.code ?? '';
  if (/WRONG_VERSION_NUMBER|HTTP_REQUEST|UNKNOWN_PROTOCOL|RECORD_LAYER|PACKET_LENGTH/.test(code))
    return `the client does not speak TLS (a plaintext Kafka client? use security.protocol=SSL or SASL_SSL) [${code}]`;
  if (
    code === 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN' ||
    /ALERT_UNKNOWN_CA|BAD_CERTIFICATE/.test(code)
  )
    return `the client does not trust this listener's certificate (its ssl.ca.location lacks our CA, or the name differs) [${code}]`;
  if (/PEER_DID_NOT_RETURN_A_CERTIFICATE|NO_CERTIFICATE/.test(code))
    return `the client presented no certificate, and this listener requires one (caFile is set) [${code}]`;
  if (/CERTIFICATE_VERIFY_FAILED/.test(code))
    return `the client's certificate is not signed by the listener's CA file [${code}]`;
  if (code === 'ERR_TLS_HANDSHAKE_TIMEOUT')
    return 'the client did not finish the handshake in time';
  if (code === 'ECONNRESET')
    return "the client closed the connection during the handshake (often: it does not trust this listener's certificate, or the name in it differs from the address it connected to)";
  return `${err.message}${code ? ` [${code}]` : ''}`;
}
