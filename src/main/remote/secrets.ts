import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { LogdockError } from '../../common/errors';
import { writeFileAtomic } from '../fs/atomic-file';
import { readJsonFile, serialQueue } from './files';

/**
 * Encrypts one secret into bytes and back. Two kinds (docs/clusters.md, Secrets):
 * - `electron-safe-storage`: Electron's safeStorage (the OS keychain's key: Keychain, DPAPI,
 *   libsecret/kwallet), given by the Electron shell (src/main/electron/secrets.ts);
 * - `key-file`: AES-256-GCM with a random key in `<dataDir>/cluster-secrets.key` (0600), for
 *   headless mode and wherever safeStorage is unavailable.
 */
export interface SecretCipher {
  readonly kind: string;
  encrypt(plain: string): Promise<Buffer>;
  decrypt(data: Buffer): Promise<string>;
}

export const SECRETS_FILE = 'cluster-secrets.json';
export const SECRETS_KEY_FILE = 'cluster-secrets.key';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

/**
 * The key-file cipher. The key is made on first use (32 random bytes, file mode 0600, created
 * exclusively so two processes never write different keys) and read once. Each secret is
 * `iv (12) | tag (16) | ciphertext` of AES-256-GCM, so a changed byte fails to decrypt instead
 * of yielding a wrong password.
 */
export function keyFileCipher(dataDir: string): SecretCipher {
  const keyPath = join(dataDir, SECRETS_KEY_FILE);
  let key: Promise<Buffer> | undefined;
  const loadKey = () => (key ??= readOrCreateKey(keyPath));
  return {
    kind: 'key-file',
    async encrypt(plain) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', await loadKey(), iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    async decrypt(data) {
      if (data.length < IV_BYTES + TAG_BYTES) {
        throw new LogdockError('CORRUPT_FILE', `a secret in ${SECRETS_FILE} is truncated`);
      }
      const decipher = createDecipheriv('aes-256-gcm', await loadKey(), data.subarray(0, IV_BYTES));
      decipher.setAuthTag(data.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      try {
        return Buffer.concat([
          decipher.update(data.subarray(IV_BYTES + TAG_BYTES)),
          decipher.final(),
        ]).toString('utf8');
      } catch (err) {
        throw new LogdockError(
          'CORRUPT_FILE',
          `a secret in ${SECRETS_FILE} does not decrypt with ${keyPath} (changed or another key)`,
          { cause: err },
        );
      }
    },
  };
}

async function readOrCreateKey(path: string): Promise<Buffer> {
  try {
    const handle = await open(path, 'wx', 0o600);
    try {
      const fresh = randomBytes(KEY_BYTES);
      await handle.writeFile(fresh);
      await handle.sync();
      return fresh;
    } finally {
      await handle.close();
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const existing = await readFile(path);
  if (existing.length !== KEY_BYTES) {
    throw new LogdockError(
      'CORRUPT_FILE',
      `${path} holds ${existing.length} bytes, not a ${KEY_BYTES}-byte key; saved cluster secrets cannot be read`,
    );
  }
  return existing;
}

/** id → { cipher kind, base64 of the encrypted bytes } */
const secretsFileSchema = z.object({
  version: z.literal(1),
  secrets: z.record(z.string(), z.object({ kind: z.string(), data: z.base64() })),
});
type SecretsFile = z.output<typeof secretsFileSchema>;

/**
 * The saved secrets of remote clusters, by id (`<cluster>/sasl.password`), in
 * `<dataDir>/cluster-secrets.json` (mode 0600, replaced atomically). Only encrypted bytes are
 * written; plain text exists only in memory while a client connects. Calls are serialised.
 */
export class SecretStore {
  private readonly serial = serialQueue();

  constructor(
    private readonly dataDir: string,
    private readonly cipher: SecretCipher,
  ) {}

  get path(): string {
    return join(this.dataDir, SECRETS_FILE);
  }

  /** The secret, or null when none is saved. Throws CORRUPT_FILE when it cannot be read back. */
  get(id: string): Promise<string | null> {
    return this.serial(async () => {
      const entry = (await this.load()).secrets[id];
      if (!entry) return null;
      if (entry.kind !== this.cipher.kind) {
        throw new LogdockError(
          'UNAVAILABLE',
          `the secret ${id} was saved with ${entry.kind} and this process has ${this.cipher.kind}; enter it again`,
        );
      }
      return this.cipher.decrypt(Buffer.from(entry.data, 'base64'));
    });
  }

  has(id: string): Promise<boolean> {
    return this.serial(async () => id in (await this.load()).secrets);
  }

  /** Saves (value) or forgets (null) several secrets in one write. */
  setMany(changes: Record<string, string | null>): Promise<void> {
    return this.serial(async () => {
      const file = await this.load();
      for (const [id, value] of Object.entries(changes)) {
        if (value === null) delete file.secrets[id];
        else {
          const data = await this.cipher.encrypt(value);
          file.secrets[id] = { kind: this.cipher.kind, data: data.toString('base64') };
        }
      }
      await writeFileAtomic(this.path, JSON.stringify(file, null, 2) + '\n', { mode: 0o600 });
    });
  }

  /** Ids of every saved secret. */
  ids(): Promise<string[]> {
    return this.serial(async () => Object.keys((await this.load()).secrets));
  }

  private async load(): Promise<SecretsFile> {
    return (await readJsonFile(this.path, secretsFileSchema)) ?? { version: 1, secrets: {} };
  }
}
