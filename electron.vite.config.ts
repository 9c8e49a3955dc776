import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { defineConfig, externalizeDepsPlugin } from 'electron-vite';
import react from '@vitejs/plugin-react';
import type { Rollup } from 'vite';

type RollupOnWarn = NonNullable<Rollup.RollupOptions['onwarn']>;

// Electron is an optional dependency: where its binary can't be downloaded, npm drops the
// package, yet the renderer must still build for headless mode. electron-vite only needs
// Electron's major version (to pick build targets), so give it the one package.json declares.
if (!process.env.ELECTRON_MAJOR_VER) {
  try {
    createRequire(resolve(__dirname, 'package.json')).resolve('electron/package.json');
  } catch {
    const pkg = JSON.parse(readFileSync(resolve(__dirname, 'package.json'), 'utf8')) as {
      optionalDependencies?: Record<string, string>;
    };
    const declared = pkg.optionalDependencies?.electron ?? '';
    process.env.ELECTRON_MAJOR_VER = /\d+/.exec(declared)?.[0] ?? '';
  }
}

// zod ships `@__PURE__` comments in places Rollup cannot use and says so for each one on
// every build; they are zod's to fix and change nothing in our bundles, so only these are dropped.
const onwarn: RollupOnWarn = (warning, warn) => {
  if (
    warning.code === 'INVALID_ANNOTATION' &&
    /[\\/]node_modules[\\/]zod[\\/]/.test(warning.id ?? '')
  )
    return;
  warn(warning);
};

// Three bundles, one per Electron process. The renderer bundle is also what headless
// mode serves to a browser, so it must not depend on anything Electron-specific.
export default defineConfig({
  main: {
    plugins: [externalizeDepsPlugin()],
    build: {
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          cli: resolve(__dirname, 'src/main/cli/index.ts'),
          // Worker threads' script (src/main/workers/worker-entry.ts finds it beside these).
          'cpu-worker': resolve(__dirname, 'src/main/workers/cpu-worker.ts'),
        },
        onwarn,
      },
    },
  },
  preload: {
    plugins: [externalizeDepsPlugin({ exclude: ['zod'] })],
    build: {
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
        onwarn,
        // Sandboxed preloads cannot use ESM.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    plugins: [react()],
    build: {
      rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') }, onwarn },
    },
  },
});
