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
  const boundaryRules = ['no-restricted-imports', '@typescript-eslint/no-restricted-imports', 'no-restricted-globals'];
  return (result?.messages ?? []).filter((m) => boundaryRules.includes(m.ruleId ?? '')).map((m) => m.message);
}

describe('import boundaries (docs/architecture.md)', () => {
  it('stats/ may not import data/, Node built-ins or DuckDB', async () => {
    expect(await boundaryErrors('stats/probe.ts', `import { openDatabase } from '../data/database.ts';\nexport const x = openDatabase;\n`)).toHaveLength(1);
    expect(await boundaryErrors('stats/probe.ts', `import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n`)).toHaveLength(1);
    expect(await boundaryErrors('stats/probe.ts', `import { DuckDBInstance } from '@duckdb/node-api';\nexport const x = DuckDBInstance;\n`)).toHaveLength(1);
    expect(await boundaryErrors('stats/probe.ts', `import { normalQuantile } from './distributions.ts';\nexport const x = normalQuantile;\n`)).toEqual([]);
  });
  it('charts/ may import contract/, stats/ and echarts types, nothing with I/O, a DOM or a runtime echarts', async () => {
    expect(await boundaryErrors('charts/probe.ts', `import { openDatabase } from '../data/database.ts';\nexport const x = openDatabase;\n`)).toHaveLength(1);
    expect(await boundaryErrors('charts/probe.ts', `import { decodeCumulative } from '../renderer/arrow/series.ts';\nexport const x = decodeCumulative;\n`)).toHaveLength(1);
    expect(await boundaryErrors('charts/probe.ts', `import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n`)).toHaveLength(1);
    expect(await boundaryErrors('charts/probe.ts', `import * as echarts from 'echarts/core';\nexport const x = echarts;\n`)).toHaveLength(1);
    expect(await boundaryErrors('charts/probe.ts', `export const dark = () => matchMedia('(prefers-color-scheme: dark)').matches;\n`)).toHaveLength(1);
    expect(await boundaryErrors('charts/probe.ts', [
      `import type { EChartsCoreOption } from 'echarts/core';`,
      `import { stripBidiControls } from '../contract/escape-html.ts';`,
      `import type { Interval } from '../stats/types.ts';`,
      `import { SCREEN_THEME } from './theme.ts';`,
      `export const x = (i: Interval): EChartsCoreOption => ({ title: { text: stripBidiControls(String(i.estimate)) }, color: [SCREEN_THEME.fg] });`,
    ].join('\n'))).toEqual([]);
  });
  it('the renderer and data/ may import charts/; contract/ may not', async () => {
    expect(await boundaryErrors('renderer/probe.ts', `import { forestOption } from '../charts/forest.ts';\nexport const x = forestOption;\n`)).toEqual([]);
    expect(await boundaryErrors('data/report/probe.ts', `import { forestOption } from '../../charts/forest.ts';\nexport const x = forestOption;\n`)).toEqual([]);
    expect(await boundaryErrors('contract/probe.ts', `import { forestOption } from '../charts/forest.ts';\nexport const x = forestOption;\n`)).toHaveLength(1);
  });
  it('data/ may import stats/ but not the command line', async () => {
    expect(await boundaryErrors('data/probe.ts', `import { main } from '../cli/main.ts';\nexport const x = main;\n`)).toHaveLength(1);
    expect(await boundaryErrors('data/probe.ts', `import { analyzeMetric } from '../stats/index.ts';\nexport const x = analyzeMetric;\n`)).toEqual([]);
  });
});
