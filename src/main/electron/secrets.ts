import type { SafeStorage } from 'electron';
import type { SecretCipher } from '../remote/secrets';

/**
 * Cluster secrets encrypted by Electron's safeStorage (macOS Keychain, Windows DPAPI, Linux
 * libsecret or kwallet). Null when the OS offers no real key store: on Linux without a keyring
 * safeStorage falls back to a hard-coded password ('basic_text'), which protects nothing, so
 * the key-file cipher (which at least keeps the key out of the secrets file) is used instead.
 */
export function safeStorageCipher(safeStorage: SafeStorage): SecretCipher | null {
  if (!safeStorage.isEncryptionAvailable()) return null;
  if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') {
    return null;
  }
  return {
    kind: 'electron-safe-storage',
    encrypt: async (plain) => safeStorage.encryptString(plain),
    decrypt: async (data) => safeStorage.decryptString(data),
  };
}
