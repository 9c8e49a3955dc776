/**
 * The security of Logdock's own Kafka listener as `logdock serve` takes it: TLS files and
 * SASL/PLAIN users from flags (`--kafka-tls-cert/-key/-ca`, `--kafka-sasl-users`) or from the
 * `kafka:` section of a `--config` file (flags win), checked before anything opens.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { LogdockError } from '../../common/errors';
import { readConfigFile } from '../collectors/config-file';
import type { SaslUser } from '../protocol/context';

export interface ListenerSecurityOptions {
  kafkaTlsCert?: string;
  kafkaTlsKey?: string;
  kafkaTlsCa?: string;
  /** A file of `user:password` lines: the SASL/PLAIN users the listener accepts. */
  kafkaSaslUsers?: string;
}

/**
 * The flags, completed from the config file's `kafka:` section where they say nothing: the
 * TLS files as a whole (any --kafka-tls-* flag replaces the file's three), the users file.
 * @throws LogdockError NOT_FOUND / INVALID_CONFIG from the config file.
 */
export async function listenerSecurity(
  flags: ListenerSecurityOptions & { config?: string },
  cwd = process.cwd(),
): Promise<ListenerSecurityOptions> {
  if (!flags.config) return flags;
  const path = resolve(cwd, flags.config);
  const kafka = (await readConfigFile(path)).kafka;
  const at = (p: string) => (isAbsolute(p) ? p : resolve(dirname(path), p));
  const tlsFlag = [flags.kafkaTlsCert, flags.kafkaTlsKey, flags.kafkaTlsCa].some(
    (f) => f !== undefined,
  );
  const tls =
    !tlsFlag && kafka?.tls
      ? {
          kafkaTlsCert: at(kafka.tls.certFile),
          kafkaTlsKey: at(kafka.tls.keyFile),
          ...(kafka.tls.caFile ? { kafkaTlsCa: at(kafka.tls.caFile) } : {}),
        }
      : {};
  const users =
    flags.kafkaSaslUsers === undefined && kafka?.saslUsersFile
      ? { kafkaSaslUsers: at(kafka.saslUsersFile) }
      : {};
  return { ...flags, ...tls, ...users };
}

/** Longest name or password taken: SASL/PLAIN messages are small. */
const MAX_FIELD = 255;

/**
 * Reads a users file: one `user:password` per line (the password may hold ':'), blank lines
 * and `#` comments skipped. It holds passwords in clear (SASL/PLAIN compares them), so a
 * file others can read is refused, as ssh refuses such a key.
 * @throws LogdockError NOT_FOUND (unreadable), INVALID_CONFIG naming the file and line
 *   (malformed, a user twice, no user, readable by group or others).
 */
export async function readSaslUsersFile(path: string): Promise<SaslUser[]> {
  let text: string;
  let mode: number;
  try {
    mode = (await stat(path)).mode;
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new LogdockError(
      'NOT_FOUND',
      `cannot read SASL users file ${path}: ${(err as Error).message}`,
    );
  }
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new LogdockError(
      'INVALID_CONFIG',
      `SASL users file ${path} can be read by other users (mode ${(mode & 0o777).toString(8)}): it holds passwords; chmod 600 it`,
    );
  }
  const users: SaslUser[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const colon = trimmed.indexOf(':');
    const username = trimmed.slice(0, colon);
    const password = trimmed.slice(colon + 1);
    const where = `SASL users file ${path} line ${i + 1}`;
    if (colon <= 0 || password === '')
      throw new LogdockError('INVALID_CONFIG', `${where}: expected user:password`);
    if (username.length > MAX_FIELD || password.length > MAX_FIELD)
      throw new LogdockError('INVALID_CONFIG', `${where}: longer than ${MAX_FIELD} characters`);
    if (users.some((u) => u.username === username))
      throw new LogdockError('INVALID_CONFIG', `${where}: user ${username} is given twice`);
    users.push({ username, password });
  });
  if (users.length === 0)
    throw new LogdockError('INVALID_CONFIG', `SASL users file ${path} names no user`);
  return users;
}
