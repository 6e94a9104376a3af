// Compiles the command line (cli/main.ts and the data/, contract/, stats/ code it uses) into
// dist/cli/ with esbuild, so that `experiment-desk` starts without compiling TypeScript:
//
//   main.mjs          the entry: exports `main(argv)`, which bin/experiment-desk.js calls.
//   <name>-<hash>.mjs chunks loaded by the entry's `await import(…)`: DuckDB, Arrow, ECharts and
//                     the code over them load only for the commands that need them, so
//                     `--version` and usage errors start in a fraction of the time.
//   manifest.json     the source files and their digest (build/cli-bundle-state.mjs): the bin
//                     runs the bundle only while it matches the sources, else the sources
//                     through tsx.
//
// ES modules for Node 20. Packages from node_modules stay external (resolved from the checkout
// at run time; @duckdb's native binding cannot be bundled anyway). Files are replaced one by one
// with a rename, the entry and then the manifest last, so a command starting during a rebuild
// sees either the old bundle or the new one.
//
// Usage: node build/build-cli.mjs [--outdir DIR] [--if-available]
//   --outdir DIR     write there instead of dist/cli/ (tests)
//   --if-available   exit 0 with a note when esbuild is not installed (npm's `prepare` after an
//                    install without devDependencies: the bin then runs the sources)
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BUILD_INPUTS, MANIFEST_NAME, sourceDigest } from './cli-bundle-state.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({ options: { outdir: { type: 'string' }, 'if-available': { type: 'boolean' } } });
const outdir = path.resolve(args.outdir ?? path.join(root, 'dist', 'cli'));
const ENTRY = 'main.mjs';

let esbuild;
try {
  esbuild = await import('esbuild');
} catch (error) {
  if (!args['if-available'] || error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
  console.log('build-cli: esbuild is not installed; experiment-desk will run the TypeScript sources through tsx');
  process.exit(0);
}

/** Relative path from the root with forward slashes, as esbuild's metafile names inputs. */
const fromRoot = (file) => path.relative(root, file).split(path.sep).join('/');

/** Each source file's content exactly as compiled, for the manifest's digest. */
const compiled = new Map();

/**
 * Loads our own TypeScript, remembering its content, and rewrites `import.meta.url` to the URL
 * the source file would have, computed from the bundle's own URL at run time (as
 * build/build-electron.mjs does): data/app-version.ts then reads ../package.json and
 * data/report/fonts.ts resolves packages from the checkout, as they do from source. Every output
 * file is directly in `outdir`, so one relative path serves the entry and all chunks.
 */
const sourceFiles = {
  name: 'source-files',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      const contents = await readFile(args.path, 'utf8');
      compiled.set(fromRoot(args.path), contents);
      if (!contents.includes('import.meta.url')) return { contents, loader: 'ts' };
      const fromBundle = path.relative(outdir, args.path).split(path.sep).join('/');
      return {
        contents: contents.replaceAll('import.meta.url', `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`),
        loader: 'ts',
      };
    });
  },
};

// The build inputs are read before compiling: an edit during the build then makes the manifest
// disagree with the files (the bin runs the sources), never the other way round.
for (const input of BUILD_INPUTS) compiled.set(input, await readFile(path.join(root, input), 'utf8'));

const result = await esbuild.build({
  absWorkingDir: root,
  entryPoints: { main: 'cli/main.ts' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  outdir,
  outExtension: { '.js': '.mjs' },
  chunkNames: '[name]-[hash]',
  sourcemap: 'linked',
  metafile: true,
  write: false,
  logLevel: 'warning',
  plugins: [sourceFiles],
});

const inputs = [...new Set([...Object.keys(result.metafile.inputs), ...BUILD_INPUTS])].sort();
const unread = inputs.filter((input) => !compiled.has(input));
if (unread.length > 0) throw new Error(`build-cli: inputs not loaded through the source-files plugin: ${unread.join(', ')}`);
const manifest = { entry: ENTRY, inputs, digest: sourceDigest(root, inputs, compiled) };

/** Writes `file` by renaming a finished temporary file over it (unchanged files are left alone). */
async function replace(file, contents) {
  const old = await readFile(file).catch(() => null);
  if (old !== null && Buffer.compare(old, Buffer.from(contents)) === 0) return;
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, contents);
  await rename(temporary, file);
}

await mkdir(outdir, { recursive: true });
const entryPath = path.join(outdir, ENTRY);
const outputs = result.outputFiles;
for (const file of outputs) if (file.path !== entryPath) await replace(file.path, file.contents);
const entry = outputs.find((file) => file.path === entryPath);
if (!entry) throw new Error(`build-cli: esbuild wrote no ${ENTRY}`);
await replace(entryPath, entry.contents);
await replace(path.join(outdir, MANIFEST_NAME), `${JSON.stringify(manifest, null, 2)}\n`);

// Chunks of earlier builds that the new entry no longer imports.
const written = new Set(outputs.map((file) => path.basename(file.path)));
for (const name of await readdir(outdir)) {
  if (/\.mjs(\.map)?$/.test(name) && !written.has(name)) await rm(path.join(outdir, name), { force: true });
}

const modules = outputs.filter((file) => file.path.endsWith('.mjs'));
const kB = modules.reduce((sum, file) => sum + file.contents.length, 0) / 1024;
console.log(`build-cli: ${path.relative(process.cwd(), entryPath)} and ${modules.length - 1} chunks, ${kB.toFixed(0)} kB, from ${inputs.length} source files`);
