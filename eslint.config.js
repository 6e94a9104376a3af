// Lint configuration. The import-boundary rules enforce SPEC §1: each layer lists what it may
// not import. Like VS Code's layering rule, the exception list may only shrink.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'http', 'https', 'net', 'zlib', 'crypto', 'stream', 'worker_threads', 'url'];

/** `stats/` is pure: it imports nothing of ours outside itself, no Node built-ins, no DuckDB. */
const statsBoundary = {
  files: ['stats/**/*.ts'],
  rules: {
    'no-restricted-imports': ['error', {
      patterns: [
        { group: ['../*', '!../stats', '!../stats/*'], message: 'stats/ imports nothing of ours (SPEC §1).' },
        { group: ['@duckdb/*', 'electron', 'react', ...nodeBuiltins], message: 'stats/ is pure: no I/O, no DuckDB, no Electron, no DOM (SPEC §1).' },
      ],
    }],
  },
};

/** `contract/` is the shared vocabulary of every host: types and zod schemas over `stats/` types. */
const contractBoundary = {
  files: ['contract/**/*.ts'],
  rules: {
    'no-restricted-imports': ['error', {
      patterns: [
        { group: ['../*', '!../stats', '!../stats/*'], message: 'contract/ imports only stats/ types (SPEC §1).' },
        { group: ['@duckdb/*', 'electron', 'react', ...nodeBuiltins], message: 'contract/ is platform-neutral: types and schemas only.' },
      ],
    }],
  },
};

/**
 * `charts/` holds the echarts option builders the app and the report share: pure functions over
 * contract types. It may import `contract/` and `stats/`, and echarts for its types only — the
 * renderer and the report register echarts' parts and render; no DOM, no Node, no DuckDB.
 */
const chartsBoundary = {
  files: ['charts/**/*.ts'],
  rules: {
    '@typescript-eslint/no-restricted-imports': ['error', {
      patterns: [
        { group: ['../*', '!../contract', '!../contract/*', '!../stats', '!../stats/*', '**/data', '**/data/*', '**/renderer', '**/renderer/*', '**/cli', '**/cli/*', '**/electron', '**/electron/*', '**/webhost', '**/webhost/*', '**/test', '**/test/*'], message: 'charts/ imports only contract/ and stats/ (docs/architecture.md).' },
        { group: ['@duckdb/*', 'apache-arrow', 'electron', 'react', 'react-dom', ...nodeBuiltins], message: 'charts/ is pure: no DOM, no Node, no DuckDB (docs/architecture.md).' },
        { group: ['echarts', 'echarts/*'], allowTypeImports: true, message: 'charts/ builds options: echarts types only (`import type`); the renderer and the report render them.' },
      ],
    }],
    'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'matchMedia', 'process', 'Buffer'],
  },
};

/** `data/` may import `stats/` and the contract's types and schemas, nothing else of ours. */
const dataBoundary = {
  files: ['data/**/*.ts'],
  rules: {
    'no-restricted-imports': ['error', {
      patterns: [
        { group: ['**/cli', '**/cli/*', '**/electron', '**/electron/*', '**/renderer', '**/renderer/*', '**/webhost', '**/webhost/*', '**/test', '**/test/*'], message: 'data/ may import only stats/ and contract/ (SPEC §1).' },
        { group: ['electron', 'react'], message: 'data/ is platform-neutral (SPEC §1).' },
      ],
    }],
  },
};

/** The renderer talks to its host only through the contract (`window.desk`), never to Node. */
const rendererBoundary = {
  files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
  rules: {
    'no-restricted-imports': ['error', {
      patterns: [
        { group: ['**/data', '**/data/*', '**/cli', '**/cli/*', '**/electron', '**/electron/*', '**/webhost', '**/webhost/*', '**/test', '**/test/*'], message: 'renderer/ imports only the contract and stats/ (SPEC §1).' },
        { group: ['@duckdb/*', 'electron', ...nodeBuiltins], message: 'renderer/ never talks to Node (SPEC §1).' },
      ],
    }],
  },
};

/** Electron and the web host are thin hosts over data/: no UI code. */
const hostBoundary = {
  files: ['electron/**/*.ts', 'webhost/**/*.ts'],
  rules: {
    'no-restricted-imports': ['error', {
      patterns: [
        { group: ['**/renderer', '**/renderer/*', '**/cli', '**/cli/*', '**/test', '**/test/*', 'react'], message: 'hosts import data/, stats/ and contract/ only (SPEC §1).' },
      ],
    }],
  },
};

/** The command line is a host like Electron: it may use data/ and stats/, never the UI. */
const cliBoundary = {
  files: ['cli/**/*.ts'],
  rules: {
    'no-restricted-imports': ['error', {
      patterns: [
        { group: ['**/electron', '**/electron/*', '**/renderer', '**/renderer/*', '**/webhost', '**/webhost/*', '**/test', '**/test/*', 'electron', 'react'], message: 'cli/ is a host over data/, stats/ and contract/ (SPEC §1).' },
      ],
    }],
  },
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'test-artifacts/**', 'bin/**', 'scratch/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Plain Node scripts (build and benchmark helpers) run with Node's globals.
    files: ['**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', performance: 'readonly', Buffer: 'readonly', URL: 'readonly' } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  statsBoundary,
  contractBoundary,
  chartsBoundary,
  dataBoundary,
  rendererBoundary,
  hostBoundary,
  cliBoundary,
);
