import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

const ELECTRON_ONLY_IN_SHELL = {
  name: 'electron',
  message: 'Only src/main/index.ts and src/main/electron/ may import electron.',
};

/** Relative specifiers that leave the folder for src/main (from src/common, renderer, preload). */
const NO_MAIN = {
  regex: '^(\\.\\./)+main(/|$)',
  message: 'src/common, src/renderer and src/preload import nothing from src/main (shared code goes in src/common).',
};
const STORAGE_SELF_CONTAINED = {
  regex: '^\\.\\./(?!\\.\\./common/errors$|\\.\\./common/semaphore$|fs/atomic-file$|lazy-module$)',
  message:
    'The storage engine imports only storage modules, common/errors, common/semaphore, fs/atomic-file and lazy-module.',
};
const BROKER_NO_FRONT_ENDS = {
  regex: '^\\.\\./(cli|headless|transport|protocol|api|electron)(/|$)',
  message: 'The broker imports no CLI, headless, transport, API or protocol module: they use the broker, not the other way round.',
};
const NO_BROKER = {
  regex: '^(\\.\\./)+broker(/|$)',
  message: 'Depend on the Cluster interface (src/main/cluster), never on the embedded broker.',
};
/** The Kafka-level definitions shared by the broker, the remote cluster and the protocol server. */
const KAFKA_NEUTRAL = {
  regex: '^\\.\\./(broker|remote|protocol|storage)(/|$)',
  message:
    'src/main/kafka holds Kafka-level definitions shared by the embedded broker and the remote cluster: it imports neither of them, nor the protocol server or storage.',
};
const COLLECTORS_NO_PROTOCOL = {
  regex: '^(\\.\\./)+protocol(/|$)',
  message:
    'Collectors produce through the Cluster interface, never through the Kafka protocol server.',
};

/** One config block per folder with its import restrictions (plus the electron rule in src/main). */
function boundaries(table) {
  return Object.entries(table).map(([files, patterns]) => ({
    files: [files],
    rules: {
      'no-restricted-imports': [
        'error',
        files.startsWith('src/main/')
          ? { paths: [ELECTRON_ONLY_IN_SHELL], patterns }
          : { patterns },
      ],
    },
  }));
}

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'test-artifacts/**', 'bench-data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      // Engine code deliberately uses `while (true)` loops over buffers.
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // The engine, collectors, protocol server and headless server are plain Node modules.
    files: ['src/main/**/*.ts'],
    ignores: ['src/main/index.ts', 'src/main/electron/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [ELECTRON_ONLY_IN_SHELL] }] },
  },
  // The boundaries between folders (docs/ARCHITECTURE.md, "Boundaries"). A later block
  // replaces an earlier block's options for the same rule, so each block lists all of its
  // folder's restrictions; test/architecture/boundaries.test.ts shows each one failing.
  ...boundaries({
    'src/{common,renderer,preload}/**/*.{ts,tsx}': [NO_MAIN],
    'src/main/storage/**/*.ts': [STORAGE_SELF_CONTAINED],
    'src/main/broker/**/*.ts': [BROKER_NO_FRONT_ENDS],
    'src/main/collectors/**/*.ts': [NO_BROKER, COLLECTORS_NO_PROTOCOL],
    'src/main/{api,search,browse,replay,export,metrics,shipping,remote}/**/*.ts': [NO_BROKER],
    'src/main/kafka/**/*.ts': [KAFKA_NEUTRAL],
  }),
);
