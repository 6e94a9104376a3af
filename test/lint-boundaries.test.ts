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

/** `import { x } from '<from>'` as one statement, for the inner-layer cases. */
const importing = (from: string): string => `import { x } from '${from}';\nexport const y = x;\n`;

describe('layers inside data/ (docs/architecture.md)', () => {
  it('data/\'s base imports no data/ subfolder', async () => {
    expect(await boundaryErrors('data/probe.ts', importing('./metrics/filters.ts'))).toHaveLength(1);
    expect(await boundaryErrors('data/probe.ts', importing('./user-error.ts'))).toEqual([]);
  });
  it('metrics/, import/ and definitions/ may not import report/, analysis/, changesets/ or the service, at any depth', async () => {
    expect(await boundaryErrors('data/metrics/probe.ts', importing('../report/render-html.ts'))).toHaveLength(1);
    expect(await boundaryErrors('data/metrics/nested/probe.ts', importing('../../report/render-html.ts'))).toHaveLength(1);
    expect(await boundaryErrors('data/import/probe.ts', importing('../analysis/analyze.ts'))).toHaveLength(1);
    expect(await boundaryErrors('data/definitions/probe.ts', importing('../service/desk-service.ts'))).toHaveLength(1);
    expect(await boundaryErrors('data/metrics/probe.ts', importing('../import/mapping.ts'))).toEqual([]);
    expect(await boundaryErrors('data/metrics/probe.ts', importing('../../contract/changesets/lifecycle.ts'))).toEqual([]);
  });
  it('analysis/ may not import report/; report/ may import analysis/ but not changesets/', async () => {
    expect(await boundaryErrors('data/analysis/probe.ts', importing('../report/build-report-model.ts'))).toHaveLength(1);
    expect(await boundaryErrors('data/report/probe.ts', importing('../changesets/client.ts'))).toHaveLength(1);
    expect(await boundaryErrors('data/report/probe.ts', importing('../analysis/analyze.ts'))).toEqual([]);
  });
  it('changesets/, simulate/ and arrow/ import no other data/ folder', async () => {
    expect(await boundaryErrors('data/changesets/probe.ts', importing('../analysis/analyze.ts'))).toHaveLength(1);
    expect(await boundaryErrors('data/simulate/probe.ts', importing('../import/import-file.ts'))).toHaveLength(1);
    expect(await boundaryErrors('data/arrow/probe.ts', importing('../metrics/filters.ts'))).toHaveLength(1);
    expect(await boundaryErrors('data/changesets/probe.ts', importing('../database.ts'))).toEqual([]);
    expect(await boundaryErrors('data/changesets/probe.ts', importing('./outbox.ts'))).toEqual([]);
  });
  it('the service may import every data/ folder', async () => {
    expect(await boundaryErrors('data/service/probe.ts', importing('../report/export-report.ts'))).toEqual([]);
  });
});

describe('layers inside renderer/ (docs/architecture.md, renderer/README.md)', () => {
  it('components/ and screens/ never reach the host', async () => {
    expect(await boundaryErrors('renderer/components/probe.tsx', importing('../host/desk.ts'))).toHaveLength(1);
    expect(await boundaryErrors('renderer/components/probe.tsx', importing('../store/host-api.ts'))).toHaveLength(1);
    expect(await boundaryErrors('renderer/screens/probe.tsx', importing('../host/web-desk.ts'))).toHaveLength(1);
    expect(await boundaryErrors('renderer/screens/probe.tsx', importing('../store/actions/report.ts'))).toEqual([]);
  });
  it('components/ may not import screens/', async () => {
    expect(await boundaryErrors('renderer/components/probe.tsx', importing('../screens/ExportDialog.tsx'))).toHaveLength(1);
    expect(await boundaryErrors('renderer/components/probe.tsx', importing('./Badge.tsx'))).toEqual([]);
  });
  it('slices hold data only: no actions, no store', async () => {
    expect(await boundaryErrors('renderer/store/slices/probe.ts', importing('../actions/outbox.ts'))).toHaveLength(1);
    expect(await boundaryErrors('renderer/store/slices/probe.ts', importing('../store.ts'))).toHaveLength(1);
    expect(await boundaryErrors('renderer/store/slices/probe.ts', importing('./decision.ts'))).toEqual([]);
  });
  it('actions know no React; format/, arrow/ and host/ know no store', async () => {
    expect(await boundaryErrors('renderer/store/actions/probe.ts', importing('../../components/Badge.tsx'))).toHaveLength(1);
    expect(await boundaryErrors('renderer/format/probe.ts', importing('../store/store.ts'))).toHaveLength(1);
    expect(await boundaryErrors('renderer/host/probe.ts', importing('../store/store.ts'))).toHaveLength(1);
    expect(await boundaryErrors('renderer/store/actions/probe.ts', importing('../host-api.ts'))).toEqual([]);
    expect(await boundaryErrors('renderer/format/probe.ts', importing('../../contract/number-format.ts'))).toEqual([]);
  });
});
