/**
 * The installed command as a user runs it (a real process through bin/experiment-desk.js): the
 * README's first command, `demo`, and a user error's exit code and single line.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/shared-datasets.ts';

const BIN = join(REPO_ROOT, 'bin', 'experiment-desk.js');

function run(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('experiment-desk (process)', () => {
  it('demo imports the simulated log and prints both experiments with verdicts', () => {
    const result = run(['demo']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/rows read = [\d,]+ accepted \+ 12 rejected/);
    expect(result.stdout).toMatch(/EXPERIMENT checkout-redesign/);
    expect(result.stdout).toMatch(/EXPERIMENT spring-offer/);
    expect(result.stdout).toMatch(/VERDICT {4}WINNER → propose PROVEN/);
    expect(result.stdout).not.toMatch(/NaN|undefined|Infinity/);
  });

  it('exits 2 with one line for a user error', () => {
    const result = run(['analyze', 'no-such-file.csv']);
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});
