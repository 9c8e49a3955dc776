/**
 * journalctl writes its output through C stdio, which flushes a pipe every 4 KiB: at
 * 100 k entries/s that is 15 000 writes and as many reads (and `data` events) a second.
 * coreutils' libstdbuf, the library `stdbuf -o SIZE` preloads, makes the buffer 1 MiB, so
 * journalctl writes (and Logdock reads) in 64 KiB pipe-fulls while catching up. It changes
 * nothing for live entries: `journalctl --follow` flushes before waiting for new ones.
 * Where the library is missing (not Debian/Fedora/Ubuntu's coreutils layout), nothing is
 * preloaded and journalctl runs as it is.
 */
import { existsSync } from 'node:fs';

const LIBSTDBUF = ['/usr/libexec/coreutils/libstdbuf.so', '/usr/lib/coreutils/libstdbuf.so'];
const BUFFER_BYTES = 1024 * 1024;

let found: string | null | undefined;

/** The environment to run journalctl in: this process's, plus the preload when there is one. */
export function bufferedStdoutEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  found ??= LIBSTDBUF.find((p) => existsSync(p)) ?? null;
  if (found === null) return env;
  return {
    ...env,
    LD_PRELOAD: env.LD_PRELOAD ? `${found}:${env.LD_PRELOAD}` : found,
    _STDBUF_O: String(BUFFER_BYTES),
  };
}
