/**
 * The importer's fuzz runner: `npm run fuzz -- --cases N --seed S [--start I] [--only I]
 * [--jobs J] [--spawn] [--keep] [--verbose]`.
 *
 * Cases come from `generate-cases.ts` (deterministic from seed and index) and run in worker child
 * processes (`fuzz-worker.ts`), one case at a time per worker; a worker that crashes or runs over
 * the time limit is killed and restarted, and the case it was running is the failure (`crash`,
 * `hang`). `--spawn` also runs each command as its own `node bin/experiment-desk.js` process.
 * Prints a summary — cases, failures by kind, seconds — and the first failures with the command
 * that reproduces each. Exit code 1 when a case failed.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STEP_LIMIT_SECONDS, type CaseResult } from './fuzz-case.ts';
import type { WorkerRequest } from './fuzz-worker.ts';

export interface FuzzOptions {
  readonly seed: number;
  readonly cases: number;
  readonly start?: number;
  readonly jobs?: number;
  readonly spawn?: boolean;
  readonly keep?: boolean;
  readonly onResult?: (result: CaseResult) => void;
}

export interface FuzzReport {
  readonly seed: number;
  readonly cases: number;
  readonly seconds: number;
  readonly failed: CaseResult[];
  readonly failuresByKind: Record<string, number>;
  readonly casesByCategory: Record<string, number>;
  readonly workDir: string;
}

const WORKER = fileURLToPath(new URL('./fuzz-worker.ts', import.meta.url));
/** A case runs two commands, each within the step limit; past this the worker is killed. */
const CASE_DEADLINE_MS = (2 * STEP_LIMIT_SECONDS + 30) * 1000;

/** Runs cases start … start + cases − 1 of `seed` on `jobs` workers. */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const started = performance.now();
  const start = options.start ?? 0;
  const workDir = mkdtempSync(join(tmpdir(), 'experiment-desk-fuzz-'));
  const results: CaseResult[] = [];
  let next = start;
  const end = start + options.cases;

  const record = (result: CaseResult): void => {
    results.push(result);
    options.onResult?.(result);
  };

  const lane = async (): Promise<void> => {
    let worker: ChildProcess | undefined;
    let ready: Promise<void> | undefined;
    const startWorker = (): void => {
      worker = fork(WORKER, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env: { ...process.env, EXPERIMENT_DESK_DEBUG: '' } });
      worker.stderr!.resume(); // DuckDB or Node warnings must not block the pipe; the CLI's own stderr is captured in-process
      const w = worker;
      ready = new Promise((done) => w.once('message', () => done()));
    };
    try {
      while (next < end) {
        const index = next++;
        if (!worker || worker.exitCode !== null || worker.signalCode !== null) startWorker();
        await ready;
        const w = worker!;
        const result = await new Promise<CaseResult>((done) => {
          const timer = setTimeout(() => {
            w.kill('SIGKILL');
            done({ index, name: '?', failures: [{ kind: 'hang', detail: `no answer in ${CASE_DEADLINE_MS / 1000} s; worker killed` }], importCode: null, seconds: CASE_DEADLINE_MS / 1000 });
          }, CASE_DEADLINE_MS);
          const onMessage = (message: { result?: CaseResult }): void => {
            if (!message.result) return;
            cleanup();
            done(message.result);
          };
          const onExit = (code: number | null, signal: string | null): void => {
            cleanup();
            done({ index, name: '?', failures: [{ kind: 'crash', detail: `worker exited (${signal ?? `code ${code}`}) while running the case` }], importCode: null, seconds: 0 });
          };
          const cleanup = (): void => {
            clearTimeout(timer);
            w.off('message', onMessage);
            w.off('exit', onExit);
          };
          w.on('message', onMessage);
          w.once('exit', onExit);
          const request: WorkerRequest = { seed: options.seed, index, workDir, keep: options.keep ?? false, spawn: options.spawn ?? false };
          w.send(request);
        });
        record(result);
      }
    } finally {
      if (worker && worker.exitCode === null && worker.signalCode === null) {
        const w = worker;
        await new Promise<void>((done) => { w.once('exit', () => done()); w.kill('SIGTERM'); });
      }
    }
  };

  try {
    await Promise.all(Array.from({ length: Math.max(1, options.jobs ?? 1) }, () => lane()));
  } finally {
    if (!options.keep) rmSync(workDir, { recursive: true, force: true });
  }
  results.sort((a, b) => a.index - b.index);
  const failed = results.filter((r) => r.failures.length > 0);
  const failuresByKind: Record<string, number> = {};
  for (const r of failed) for (const kind of new Set(r.failures.map((f) => f.kind))) failuresByKind[kind] = (failuresByKind[kind] ?? 0) + 1;
  const casesByCategory: Record<string, number> = {};
  for (const r of results) { const c = r.name.split('/')[0]!; casesByCategory[c] = (casesByCategory[c] ?? 0) + 1; }
  return { seed: options.seed, cases: results.length, seconds: (performance.now() - started) / 1000, failed, failuresByKind, casesByCategory, workDir };
}

/** The summary printed at the end of a run. */
export function formatReport(report: FuzzReport, shown = 20): string {
  const lines = [
    `fuzz: ${report.cases} cases (seed ${report.seed}), ${report.failed.length} failed, ${report.seconds.toFixed(0)} s`,
    `  categories: ${Object.entries(report.casesByCategory).sort().map(([c, n]) => `${c} ${n}`).join(', ')}`,
  ];
  if (report.failed.length > 0) {
    lines.push(`  failures by kind: ${Object.entries(report.failuresByKind).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ')}`);
    for (const r of report.failed.slice(0, shown)) {
      lines.push(`  #${r.index} ${r.name}: ${r.failures.map((f) => `${f.kind}: ${f.detail}`).join('; ')}`);
      lines.push(`      npm run fuzz -- --seed ${report.seed} --only ${r.index} --keep`);
    }
    if (report.failed.length > shown) lines.push(`  … and ${report.failed.length - shown} more`);
  }
  return lines.join('\n');
}

function parseArgs(argv: readonly string[]): FuzzOptions & { verbose: boolean } {
  const value = (name: string): string | undefined => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : undefined; };
  const number = (name: string, fallback: number): number => {
    const raw = value(name);
    const n = raw === undefined ? fallback : Number(raw);
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${name} ${raw}: a whole number`);
    return n;
  };
  const only = value('--only');
  return {
    seed: number('--seed', 1), cases: only === undefined ? number('--cases', 200) : 1, start: only === undefined ? number('--start', 0) : number('--only', 0),
    jobs: number('--jobs', 1), spawn: argv.includes('--spawn'), keep: argv.includes('--keep'), verbose: argv.includes('--verbose'),
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const options = parseArgs(process.argv.slice(2));
  let done = 0;
  const report = await runFuzz({
    ...options,
    onResult: (r) => {
      done++;
      if (options.verbose || r.failures.length > 0) {
        process.stdout.write(`#${r.index} ${r.name} ${r.failures.length ? `FAIL ${r.failures.map((f) => f.kind).join(',')}` : `ok (exit ${r.importCode})`} ${r.seconds.toFixed(1)} s\n`);
      } else if (done % 100 === 0) process.stdout.write(`… ${done} cases\n`);
    },
  });
  process.stdout.write(`${formatReport(report)}\n`);
  if (options.keep) process.stdout.write(`  case folders kept in ${report.workDir}\n`);
  process.exitCode = report.failed.length > 0 ? 1 : 0;
}
