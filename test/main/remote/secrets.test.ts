import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LogdockError } from '../../../src/common/errors';
import {
  keyFileCipher,
  SECRETS_FILE,
  SECRETS_KEY_FILE,
  SecretStore,
  type SecretCipher,
} from '../../../src/main/remote/secrets';
import { useLogdock } from '../protocol/helpers';

const fixture = useLogdock();

async function expectCode(promise: Promise<unknown>, code: string): Promise<LogdockError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LogdockError);
  expect((err as LogdockError).code).toBe(code);
  return err as LogdockError;
}

describe('SecretStore with the key-file cipher', () => {
  it('writes only ciphertext, in a 0600 file, with the key in a separate 0600 file', async () => {
    const dir = await fixture.tempDir('logdock-secrets-');
    const store = new SecretStore(dir, keyFileCipher(dir));
    await store.setMany({ 'prod/sasl.password': 'hunter2-very-secret' });

    const text = await readFile(join(dir, SECRETS_FILE), 'utf8');
    expect(text).not.toContain('hunter2');
    expect((await stat(join(dir, SECRETS_FILE))).mode & 0o777).toBe(0o600);
    const key = join(dir, SECRETS_KEY_FILE);
    expect((await stat(key)).mode & 0o777).toBe(0o600);
    expect((await readFile(key)).length).toBe(32);

    // Read back by a new process (a new store and cipher on the same directory).
    const reopened = new SecretStore(dir, keyFileCipher(dir));
    expect(await reopened.get('prod/sasl.password')).toBe('hunter2-very-secret');
    expect(await reopened.get('other/sasl.password')).toBeNull();
    await reopened.setMany({ 'prod/sasl.password': null });
    expect(await reopened.ids()).toEqual([]);
  });

  it('refuses a changed ciphertext or another key instead of returning a wrong secret', async () => {
    const dir = await fixture.tempDir('logdock-secrets-');
    await new SecretStore(dir, keyFileCipher(dir)).setMany({ a: 'first', b: 'second' });
    const path = join(dir, SECRETS_FILE);
    const file = JSON.parse(await readFile(path, 'utf8')) as {
      secrets: Record<string, { data: string }>;
    };
    const bytes = Buffer.from(file.secrets.a.data, 'base64');
    bytes[bytes.length - 1] ^= 1;
    file.secrets.a.data = bytes.toString('base64');
    await writeFile(path, JSON.stringify(file));
    const store = new SecretStore(dir, keyFileCipher(dir));
    await expectCode(store.get('a'), 'CORRUPT_FILE');
    expect(await store.get('b')).toBe('second');

    await writeFile(join(dir, SECRETS_KEY_FILE), Buffer.alloc(32, 7));
    await expectCode(new SecretStore(dir, keyFileCipher(dir)).get('b'), 'CORRUPT_FILE');
    await writeFile(join(dir, SECRETS_KEY_FILE), 'short');
    const err = await expectCode(new SecretStore(dir, keyFileCipher(dir)).get('b'), 'CORRUPT_FILE');
    expect(err.message).toContain(SECRETS_KEY_FILE);
  });

  it('reports a garbage secrets file by name and keeps working once it is replaced', async () => {
    const dir = await fixture.tempDir('logdock-secrets-');
    await writeFile(join(dir, SECRETS_FILE), '{"version":1,"secrets":{"x":{"kind":1}}}');
    const store = new SecretStore(dir, keyFileCipher(dir));
    const err = await expectCode(store.get('x'), 'CORRUPT_FILE');
    expect(err.message).toContain(SECRETS_FILE);
    await writeFile(join(dir, SECRETS_FILE), '\u0000\u0001garbage');
    await expectCode(store.ids(), 'CORRUPT_FILE');
  });

  it('asks for a secret again when it was saved by another kind of cipher', async () => {
    const dir = await fixture.tempDir('logdock-secrets-');
    const other: SecretCipher = {
      kind: 'electron-safe-storage',
      encrypt: async (plain) => Buffer.from(plain).reverse(),
      decrypt: async (data) => Buffer.from(data).reverse().toString(),
    };
    await new SecretStore(dir, other).setMany({ a: 'from the desktop app' });
    const err = await expectCode(new SecretStore(dir, keyFileCipher(dir)).get('a'), 'UNAVAILABLE');
    expect(err.message).toMatch(/enter it again/);
  });
});
