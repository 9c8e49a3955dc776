// Electron's main process entry: only wires the services to a window (see electron/app.ts).
import { app } from 'electron';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runElectronApp } from './electron/app';

runElectronApp({ mainDir: dirname(fileURLToPath(import.meta.url)), argv: process.argv }).catch(
  (err: Error) => {
    console.error(`Logdock failed to start: ${err.stack ?? err.message}`);
    app.exit(1);
  },
);
