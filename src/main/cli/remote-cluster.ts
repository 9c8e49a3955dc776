import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import {
  bootstrapServerSchema,
  saslMechanismSchema,
  type ClusterInput,
  type SecurityInput,
} from '../../common/api/clusters';
import { LogdockError } from '../../common/errors';
import { announce } from './support';
import { clientOptions, type RemoteClientOptions } from '../remote/client-options';
import { RemoteCluster } from '../remote/cluster';

/**
 * `--bootstrap-server` and `--command-config` of the topics, produce, consume and groups
 * commands, as Kafka's tools take them: the command then works on that cluster instead of
 * Logdock's data directory.
 */
export interface RemoteOptions {
  bootstrapServer?: string;
  commandConfig?: string;
}

export function addRemoteOptions(command: Command): Command {
  return command
    .option(
      '--bootstrap-server <host:port[,host:port]>',
      'work on this Kafka cluster instead of Logdock (as Kafka’s tools)',
    )
    .option(
      '--command-config <file>',
      'Kafka client properties for --bootstrap-server (security.protocol, sasl.*, ssl.*)',
    );
}

/** A cluster named on the command line: a name for messages and its client's options. */
export interface RemoteClient {
  name: string;
  client: RemoteClientOptions;
}

/**
 * The client options of the cluster the options name, or null without --bootstrap-server.
 * Throws INVALID_ARGUMENT for a malformed address, INVALID_CONFIG for a properties file
 * that cannot be read or says something Logdock cannot do.
 */
export async function remoteClientOf(opts: RemoteOptions): Promise<RemoteClient | null> {
  if (opts.bootstrapServer === undefined) {
    if (opts.commandConfig !== undefined) {
      throw new LogdockError('INVALID_ARGUMENT', '--command-config needs --bootstrap-server');
    }
    return null;
  }
  const servers = opts.bootstrapServer.split(',').map((s) => s.trim());
  for (const server of servers) {
    const parsed = bootstrapServerSchema.safeParse(server);
    if (!parsed.success) {
      throw new LogdockError(
        'INVALID_ARGUMENT',
        `--bootstrap-server ${server}: ${parsed.error.issues[0].message}`,
      );
    }
  }
  const security = opts.commandConfig
    ? parseCommandConfig(await readProperties(opts.commandConfig), opts.commandConfig)
    : ({ protocol: 'PLAINTEXT' } as const);
  const cluster: ClusterInput = {
    name: 'cli',
    colour: '#000000',
    bootstrapServers: servers,
    security,
    readOnly: false,
  };
  announce(`using the Kafka cluster at ${servers.join(',')} (${security.protocol})`);
  return { name: servers[0], client: await clientOptions(cluster, 'logdock-cli') };
}

/**
 * The remote cluster the options name, or null without --bootstrap-server; the caller closes
 * it. Throws as `remoteClientOf`.
 */
export async function remoteClusterOf(opts: RemoteOptions): Promise<RemoteCluster | null> {
  const remote = await remoteClientOf(opts);
  return remote ? new RemoteCluster(remote) : null;
}

/** Runs `fn` on the cluster and always closes it. */
export async function withRemoteCluster<T>(
  cluster: RemoteCluster,
  fn: (c: RemoteCluster) => Promise<T>,
): Promise<T> {
  try {
    return await fn(cluster);
  } finally {
    await cluster.close();
  }
}

async function readProperties(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new LogdockError(
      'INVALID_CONFIG',
      `--command-config ${path} cannot be read: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
}

/** Java properties: `key=value` or `key: value`, `#`/`!` comments, `\` line continuations. */
export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = text.replace(/\\\r?\n\s*/g, '').split(/\r?\n/);
  for (const raw of lines) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith('!')) continue;
    const match = /^([^=:\s]+)\s*[=:\s]\s*(.*)$/.exec(line);
    if (match) out.set(match[1], match[2].trim());
  }
  return out;
}

const KNOWN = new Set([
  'security.protocol',
  'sasl.mechanism',
  'sasl.mechanisms',
  'sasl.username',
  'sasl.password',
  'sasl.jaas.config',
  'ssl.ca.location',
  'ssl.certificate.location',
  'ssl.key.location',
  'ssl.key.password',
  'ssl.endpoint.identification.algorithm',
]);

/**
 * Kafka client properties (the Java tools' names and librdkafka's) as Logdock's security
 * settings. Java keystores (`ssl.truststore.location`, `ssl.keystore.location`) cannot be read:
 * refused with what to use instead (PEM files). Unknown keys are named on stderr and ignored,
 * as Kafka's tools warn of configs they do not know.
 * @throws LogdockError INVALID_CONFIG naming the file and key.
 */
export function parseCommandConfig(text: string, file: string): SecurityInput {
  const props = parseProperties(text);
  const bad = (key: string, why: string) =>
    new LogdockError('INVALID_CONFIG', `${file}: ${key}: ${why}`);
  for (const key of ['ssl.truststore.location', 'ssl.keystore.location']) {
    if (props.has(key)) {
      throw bad(
        key,
        'Java keystores cannot be read; give PEM files as ssl.ca.location, ssl.certificate.location and ssl.key.location',
      );
    }
  }
  for (const key of props.keys())
    if (!KNOWN.has(key)) announce(`${file}: ignoring unknown property ${key}`);

  const protocol = (props.get('security.protocol') ?? 'PLAINTEXT').toUpperCase();
  if (!['PLAINTEXT', 'SASL_PLAINTEXT', 'SSL', 'SASL_SSL'].includes(protocol)) {
    throw bad('security.protocol', `${protocol} is not PLAINTEXT, SASL_PLAINTEXT, SSL or SASL_SSL`);
  }
  const tls = {
    caFile: props.get('ssl.ca.location'),
    certFile: props.get('ssl.certificate.location'),
    keyFile: props.get('ssl.key.location'),
    keyPassphrase: props.get('ssl.key.password'),
    // Kafka's default is "https" (check); an empty value turns the check off.
    checkHostname: props.get('ssl.endpoint.identification.algorithm') !== '',
  };
  if ((tls.certFile === undefined) !== (tls.keyFile === undefined)) {
    throw bad(
      'ssl.certificate.location',
      'ssl.certificate.location and ssl.key.location go together',
    );
  }
  const sasl = () => {
    const mechanism = saslMechanismSchema.safeParse(
      (props.get('sasl.mechanism') ?? props.get('sasl.mechanisms') ?? 'PLAIN').toUpperCase(),
    );
    if (!mechanism.success)
      throw bad('sasl.mechanism', 'must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512');
    const jaas = jaasCredentials(props.get('sasl.jaas.config'));
    const username = props.get('sasl.username') ?? jaas.username;
    const password = props.get('sasl.password') ?? jaas.password;
    if (!username)
      throw bad('sasl.username', `${protocol} needs a user (sasl.username or sasl.jaas.config)`);
    return { mechanism: mechanism.data, username, ...(password ? { password } : {}) };
  };
  const definedTls = Object.fromEntries(
    Object.entries(tls).filter(([, v]) => v !== undefined),
  ) as typeof tls;
  switch (protocol) {
    case 'SASL_PLAINTEXT':
      return { protocol, sasl: sasl() };
    case 'SSL':
      return { protocol, tls: definedTls };
    case 'SASL_SSL':
      return { protocol, sasl: sasl(), tls: definedTls };
    default:
      return { protocol: 'PLAINTEXT' };
  }
}

/** username="…" password="…" from a JAAS line (PlainLoginModule, ScramLoginModule). */
function jaasCredentials(jaas: string | undefined): { username?: string; password?: string } {
  if (!jaas) return {};
  const field = (name: string) =>
    new RegExp(`${name}\\s*=\\s*"((?:[^"\\\\]|\\\\.)*)"`).exec(jaas)?.[1];
  return { username: field('username'), password: field('password') };
}
