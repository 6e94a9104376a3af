/**
 * The compiled command line (build/build-cli.mjs → dist/cli/) as bin/experiment-desk.js runs it:
 * built from the current sources, it prints the version and analyses a file; its manifest tells
 * a bundle built from the sources on disk from a stale one, so a stale bundle never runs.
 *
 * The build here writes dist/cli/ as `npm run build:cli` does (file by file, with renames, so
 * the other tests' processes running the bin meanwhile see a whole bundle). The startup time of
 * `--version` is printed, not asserted (shared machines).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUILD_INPUTS, currentBundle, MANIFEST_NAME, sourceDigest } from '../../build/cli-bundle-state.mjs';
import { REPO_ROOT } from '../helpers/shared-datasets.ts';
import { tempDir } from '../helpers/temp-files.ts';

const BIN = join(REPO_ROOT, 'bin', 'experiment-desk.js');
const OUTDIR = join(REPO_ROOT, 'dist', 'cli');
const VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

const files = tempDir();
const UNITS = files.write('units.csv', ['id,arm,bought,spend', ...Array.from({ length: 40 }, (_, i) => `${i},${i % 2 ? 'b' : 'a'},${i % 3 === 0 ? 1 : 0},${i * 1.5}`)].join('\n'));

interface Run { status: number | null; stdout: string; stderr: string; ms: number }

function node(args: readonly string[], env: NodeJS.ProcessEnv = {}): Run {
  const started = performance.now();
  const result = spawnSync(process.execPath, [...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...env } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, ms: performance.now() - started };
}

/** Runs the bin with EXPERIMENT_DESK_DEBUG set, which names the route taken on stderr's first line. */
function runBin(args: readonly string[]): Run {
  return node([BIN, ...args], { EXPERIMENT_DESK_DEBUG: '1' });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

describe('compiled command line (dist/cli)', () => {
  beforeAll(() => {
    const build = node([join(REPO_ROOT, 'build', 'build-cli.mjs')]);
    expect(build.status, build.stderr).toBe(0);
  });

  it('is current right after the build, with the sources and build inputs in its manifest', () => {
    const manifest = JSON.parse(readFileSync(join(OUTDIR, MANIFEST_NAME), 'utf8')) as { entry: string; inputs: string[] };
    expect(manifest.inputs).toEqual(expect.arrayContaining(['cli/main.ts', 'cli/report.ts', 'data/app-version.ts', 'data/database.ts', ...BUILD_INPUTS]));
    expect(manifest.inputs.some((input) => input.includes('node_modules'))).toBe(false);
    expect(currentBundle(REPO_ROOT)).toBe(pathToFileURL(join(OUTDIR, manifest.entry)).href);
  });

  it('--version prints the package version through the bundle', () => {
    const run = runBin(['--version']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/running .*dist[\\/]cli[\\/]main\.mjs/);
    expect(run.stdout).toBe(`${VERSION}\n`);

    const quiet = node([BIN, '--version']);
    expect(quiet.stderr).toBe(''); // without EXPERIMENT_DESK_DEBUG, nothing but the version
    expect(quiet.stdout).toBe(`${VERSION}\n`);

    // Timed runs that found a source changed since the build (someone editing) ran tsx: left out.
    const timed = Array.from({ length: 5 }, () => runBin(['--version'])).filter((r) => r.stderr.includes('main.mjs'));
    const bare = median(Array.from({ length: 5 }, () => node(['-e', '0']).ms));
    if (timed.length > 0) {
      console.log(`experiment-desk --version through the bundle: ${median(timed.map((r) => r.ms)).toFixed(0)} ms `
        + `(median of ${timed.length}; \`node -e 0\`: ${bare.toFixed(0)} ms)`);
    }
  });

  it('analyze imports and analyses a unit table through the bundle', () => {
    const run = runBin(['analyze', UNITS, '--variant', 'arm', '--control', 'a', '--metric', 'bought', '--metric', 'spend']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/running .*dist[\\/]cli[\\/]main\.mjs/);
    expect(run.stdout).toMatch(/40 rows read = 40 accepted \+ 0 rejected/);
    expect(run.stdout).toMatch(/EXPERIMENT units/);
    expect(run.stdout).not.toMatch(/NaN|undefined|Infinity/);
  });

  it('the report command loads through the bundle, and a user error still exits 2 with one line', () => {
    const help = runBin(['report', '--help']);
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/--format/);

    const missing = node([BIN, 'analyze', files.path('missing.csv')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr.trim().split('\n')).toEqual([expect.stringMatching(/missing\.csv: cannot read file \(ENOENT\)/)]);
  });
});

describe('bundle manifest (build/cli-bundle-state.mjs)', () => {
  const root = files.path('checkout');
  const outdir = join(root, 'dist', 'cli');
  const entry = pathToFileURL(join(outdir, 'main.mjs')).href;

  beforeAll(() => {
    mkdirSync(join(root, 'src'), { recursive: true });
    mkdirSync(outdir, { recursive: true });
    writeFileSync(join(root, 'src', 'a.ts'), 'export const a = 1;\n');
    writeFileSync(join(root, 'src', 'b.ts'), 'export const b = 2;\n');
    writeFileSync(join(outdir, 'main.mjs'), 'export async function main() { return 0; }\n');
    const inputs = ['src/a.ts', 'src/b.ts'];
    writeFileSync(join(outdir, MANIFEST_NAME), JSON.stringify({ entry: 'main.mjs', inputs, digest: sourceDigest(root, inputs) }));
  });

  it('accepts the bundle while every input has the content it was built from', () => {
    expect(currentBundle(root, outdir)).toBe(entry);
  });

  it('refuses it when an input changed, and accepts it again when the content is restored', () => {
    writeFileSync(join(root, 'src', 'b.ts'), 'export const b = 3;\n');
    expect(currentBundle(root, outdir)).toBeNull();
    writeFileSync(join(root, 'src', 'b.ts'), 'export const b = 2;\n'); // newer file time, same content
    expect(currentBundle(root, outdir)).toBe(entry);
  });

  it('refuses it when an input, the entry or the manifest is missing or unreadable', () => {
    rmSync(join(root, 'src', 'a.ts'));
    expect(currentBundle(root, outdir)).toBeNull();
    writeFileSync(join(root, 'src', 'a.ts'), 'export const a = 1;\n');
    expect(currentBundle(root, outdir)).toBe(entry);

    rmSync(join(outdir, 'main.mjs'));
    expect(currentBundle(root, outdir)).toBeNull();
    writeFileSync(join(outdir, 'main.mjs'), 'export async function main() { return 0; }\n');

    const manifest = readFileSync(join(outdir, MANIFEST_NAME), 'utf8');
    writeFileSync(join(outdir, MANIFEST_NAME), manifest.slice(0, 20));
    expect(currentBundle(root, outdir)).toBeNull();
    rmSync(join(outdir, MANIFEST_NAME));
    expect(currentBundle(root, outdir)).toBeNull();
    expect(currentBundle(root, join(root, 'no-such-dir'))).toBeNull();
  });
});
