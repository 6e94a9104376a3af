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

/**
 * Layers inside a layer (docs/architecture.md, "Layers inside data/ and renderer/"): the files
 * under `files` may not import a module of a sibling or ancestor folder named in `folders` (at any
 * depth, like VS Code's layer rules), nor one whose file name matches `modules`. These use typescript-eslint's twin of
 * `no-restricted-imports` so that they add to the outer layer's rule: flat config replaces a
 * rule's options when two blocks set the same rule for one file.
 */
function innerLayer(files, { folders = [], modules = [] }, message) {
  const patterns = [
    // Only `./` and `../` before the folder: the layer's own folders, not e.g. contract/changesets/.
    ...(folders.length > 0 ? [{ regex: `^(\\./|(\\.\\./)+)(${folders.join('|')})/`, message }] : []),
    ...modules.map((module) => ({ regex: `(^|/)${module}$`, message })),
  ];
  return { files, ignores: ['**/*.test.ts', '**/*.test.tsx'], rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] } };
}

const DATA_FOLDERS = ['analysis', 'arrow', 'changesets', 'definitions', 'import', 'metrics', 'report', 'service', 'simulate'];
const except = (folders, ...allowed) => folders.filter((folder) => !allowed.includes(folder));

const dataLayers = [
  innerLayer(['data/*.ts'], { folders: DATA_FOLDERS }, 'data/\'s base (database, migrations, errors, version) imports no data/ subfolder.'),
  innerLayer(['data/import/**/*.ts', 'data/metrics/**/*.ts', 'data/definitions/**/*.ts'], { folders: ['analysis', 'arrow', 'changesets', 'report', 'service', 'simulate'] },
    'import/, metrics/ and definitions/ turn files into rows and sums: no analysis, report, ChangeSet, Arrow or service code.'),
  innerLayer(['data/analysis/**/*.ts'], { folders: ['changesets', 'report', 'service', 'simulate'] }, 'analysis/ builds the ExperimentReport: reports, ChangeSets and the service build on it, not the other way.'),
  innerLayer(['data/report/**/*.ts'], { folders: ['changesets', 'service', 'simulate'] }, 'report/ renders an analysis and a ChangeSet it is given: it does not fetch ChangeSets or call the service.'),
  innerLayer(['data/changesets/**/*.ts'], { folders: except(DATA_FOLDERS, 'changesets') }, 'changesets/ is given analyses and proofs as values: it imports no other data/ folder.'),
  innerLayer(['data/simulate/**/*.ts', 'data/arrow/**/*.ts'], { folders: except(DATA_FOLDERS, 'simulate', 'arrow') }, 'simulate/ and arrow/ are leaves: they import only data/\'s base.'),
];

const rendererLayers = [
  innerLayer(['renderer/components/**/*.{ts,tsx}'], { folders: ['screens', 'host'], modules: ['host-api\\.ts'] }, 'components/ are shared pieces: no screens, and never the host (actions call it; renderer/README.md).'),
  innerLayer(['renderer/screens/**/*.{ts,tsx}'], { folders: ['host'], modules: ['host-api\\.ts'] }, 'screens call store actions, never the host (renderer/README.md).'),
  innerLayer(['renderer/store/slices/**/*.ts'], { folders: ['actions', 'host', 'components', 'screens'], modules: ['store\\.ts', 'host-api\\.ts'] }, 'slices hold state types and initial values only.'),
  innerLayer(['renderer/store/*.ts', 'renderer/store/actions/**/*.ts'], { folders: ['components', 'screens', 'host'] }, 'the store reaches the host through host-api.ts and knows no React component.'),
  innerLayer(['renderer/format/**/*.ts', 'renderer/arrow/**/*.ts', 'renderer/charts/**/*.ts'], { folders: ['store', 'components', 'screens', 'host'] }, 'format/, arrow/ and charts/ are pure helpers: no store, no React, no host.'),
  innerLayer(['renderer/host/**/*.ts'], { folders: ['store', 'components', 'screens'] }, 'host/ implements DeskApi: it knows no store or UI.'),
];

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
  ...dataLayers,
  ...rendererLayers,
);
