import { afterEach, describe, expect, it, vi } from 'vitest';
import { resetFakeElectron, safeStorage } from '../../fakes/electron';

vi.mock('electron', () => import('../../fakes/electron'));
const { safeStorageCipher } = await import('../../../src/main/electron/secrets');
const electron = (await import('electron')) as unknown as { safeStorage: Electron.SafeStorage };

afterEach(() => resetFakeElectron());

describe('safeStorageCipher', () => {
  it('is used only where the OS offers a real key store', () => {
    expect(safeStorageCipher(electron.safeStorage)).toBeNull();
    safeStorage.available = true;
    safeStorage.backend = 'basic_text';
    const onLinux = process.platform === 'linux';
    expect(safeStorageCipher(electron.safeStorage) === null).toBe(onLinux);
    safeStorage.backend = 'gnome_libsecret';
    expect(safeStorageCipher(electron.safeStorage)?.kind).toBe('electron-safe-storage');
  });

  it('round-trips a secret through safeStorage without keeping its plain text', async () => {
    safeStorage.available = true;
    const cipher = safeStorageCipher(electron.safeStorage)!;
    const data = await cipher.encrypt('p@ssw0rd');
    expect(data.toString('utf8')).not.toContain('p@ssw0rd');
    expect(await cipher.decrypt(data)).toBe('p@ssw0rd');
  });
});
