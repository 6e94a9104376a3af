// Bundles the Electron shell into dist/electron/ with esbuild:
//
//   main.cjs     main process. CommonJS so that all of it runs synchronously before `ready`
//                (the app:// scheme must be registered as privileged before it; an ES module
//                entry evaluates asynchronously).
//   worker.js    the DuckDB utility process. ES module (package.json "type": "module"): data/
//                uses import.meta.url, and Electron ≥ 28 forks ES module entries.
//   preload.cjs  the sandboxed preload. A sandboxed preload can `require` only `electron` and a
//                few Node shims, so it must be one self-contained CommonJS file.
//
// Our own TypeScript (electron/, contract/, data/, stats/) is bundled; packages from
// node_modules stay external in main and worker — electron-builder ships the production
// dependencies, and @duckdb's native binding cannot be bundled anyway.
//
// Usage: node build/build-electron.mjs [--watch]
import { build, context } from 'esbuild';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist', 'electron');
const watch = process.argv.includes('--watch');

/**
 * Rewrites `import.meta.url` in our own sources to the URL the source file would have, computed
 * from the bundle's own URL at run time. Code such as data/app-version.ts
 * (`new URL('../package.json', import.meta.url)`) then finds the same files from the bundle
 * that it finds from source — in the checkout and inside app.asar alike.
 */
const sourceImportMetaUrl = {
  name: 'source-import-meta-url',
  setup(esbuild) {
    esbuild.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      const contents = await readFile(args.path, 'utf8');
      if (!contents.includes('import.meta.url')) return { contents, loader: 'ts' };
      const fromBundle = path.relative(outdir, args.path).split(path.sep).join('/');
      return {
        contents: contents.replaceAll('import.meta.url', `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`),
        loader: 'ts',
      };
    });
  },
};

const common = {
  bundle: true,
  sourcemap: true,
  target: 'node20',
  logLevel: 'info',
  absWorkingDir: root,
};

const builds = [
  {
    ...common,
    entryPoints: { main: 'electron/main.ts' },
    outExtension: { '.js': '.cjs' },
    platform: 'node',
    format: 'cjs',
    packages: 'external',
    external: ['electron'],
    outdir,
  },
  {
    ...common,
    entryPoints: { worker: 'electron/worker.ts' },
    platform: 'node',
    format: 'esm',
    packages: 'external',
    external: ['electron', '@duckdb/*'],
    plugins: [sourceImportMetaUrl],
    outdir,
  },
  {
    ...common,
    entryPoints: { preload: 'electron/preload.ts' },
    outExtension: { '.js': '.cjs' },
    // The preload runs in the renderer's sandbox: Chromium's JavaScript plus a `require` that
    // knows `electron`. `platform: 'node'` keeps esbuild from polyfilling; nothing else is
    // imported at run time.
    platform: 'node',
    format: 'cjs',
    target: 'chrome140',
    external: ['electron'],
    outdir,
  },
];

if (watch) {
  const contexts = await Promise.all(builds.map((options) => context(options)));
  await Promise.all(contexts.map((ctx) => ctx.watch()));
  console.log('watching electron/ …');
} else {
  await Promise.all(builds.map((options) => build(options)));
}
