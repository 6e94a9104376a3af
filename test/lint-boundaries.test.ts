/**
 * The import boundaries of docs/architecture.md are enforced by ESLint: this proves the rule fires for each
 * forbidden import and stays quiet for an allowed one.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/shared-datasets.ts';

const eslint = new ESLint({ cwd: REPO_ROOT });

async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('import boundaries (docs/architecture.md)', () => {
  it('stats/ may not import data/, Node built-ins or DuckDB', async () => {
    expect(await boundaryErrors('stats/probe.ts', `import { openDatabase } from '../data/database.ts';\nexport const x = openDatabase;\n`)).toHaveLength(1);
    expect(await boundaryErrors('stats/probe.ts', `import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n`)).toHaveLength(1);
    expect(await boundaryErrors('stats/probe.ts', `import { DuckDBInstance } from '@duckdb/node-api';\nexport const x = DuckDBInstance;\n`)).toHaveLength(1);
    expect(await boundaryErrors('stats/probe.ts', `import { normalQuantile } from './distributions.ts';\nexport const x = normalQuantile;\n`)).toEqual([]);
  });
  it('data/ may import stats/ but not the command line', async () => {
    expect(await boundaryErrors('data/probe.ts', `import { main } from '../cli/main.ts';\nexport const x = main;\n`)).toHaveLength(1);
    expect(await boundaryErrors('data/probe.ts', `import { analyzeMetric } from '../stats/index.ts';\nexport const x = analyzeMetric;\n`)).toEqual([]);
  });
});
