/**
 * `experiment-desk report` end to end, on the public datasets (Cookie Cats, Hillstrom; skipped
 * with a message when ../shared/datasets is absent) and on the simulated event log (which has
 * exposure times, so the report also draws the cumulative uplift and the retention curve):
 *
 * - all four formats are written;
 * - every number in the HTML's metric table equals the analysis JSON (`analyze --format json`,
 *   same flags) exactly; the page loads nothing from the network; the SVG charts are there;
 * - the CSV has one row per metric × variant with the JSON's numbers, unrounded;
 * - the PDF renders (pdftoppm) to the expected pages, none blank; page 1 is kept as
 *   test-artifacts/report/<case>-page1.png.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultScenario, writeEventLogCsv } from '../../data/simulate/index.ts';
import { datasetPath, datasetsMissing } from '../helpers/shared-datasets.ts';
import { runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/temp-files.ts';
import { renderReportHtml } from '../../data/report/render-html.ts';
import type { DecisionReportModel } from '../../data/report/report-model.ts';
import type { ExperimentReport } from '../../contract/report.ts';
import { chartSvg, expectDeepClose, expectMetricTableEquals, expectSameNumber, expectSelfContained, pdfPages, pdfUnavailable, savePageOne } from './report-files.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const files = tempDir();
const noPdf = pdfUnavailable();
if (noPdf) process.stderr.write(`\n[report] PDF checks SKIPPED: ${noPdf}\n`);

interface Case {
  readonly name: string;
  /** A dataset under ../shared/datasets, or null for the simulated event log. */
  readonly dataset: string | null;
  readonly flags: readonly string[];
  readonly timeSeries: boolean;
}

const CASES: readonly Case[] = [
  {
    name: 'cookie-cats',
    dataset: 'cookie_cats/cookie_cats.csv',
    flags: ['--unit', 'userid', '--variant', 'version', '--control', 'gate_30', '--metric', 'retention_1', '--metric', 'retention_7', '--metric', 'sum_gamerounds'],
    timeSeries: false,
  },
  {
    name: 'hillstrom',
    dataset: 'hillstrom_email/Kevin_Hillstrom_MineThatData_E-MailAnalytics_DataMiningChallenge_2008.03.20.csv',
    flags: ['--variant', 'segment', '--control', 'No E-Mail', '--metric', 'visit', '--metric', 'conversion', '--metric', 'spend', '--covariate', 'spend=history'],
    timeSeries: false,
  },
  { name: 'simulated-checkout-redesign', dataset: null, flags: ['--experiment-id', 'checkout-redesign'], timeSeries: true },
];

async function inputFile(c: Case): Promise<string> {
  if (c.dataset) return datasetPath(c.dataset)!;
  const path = files.path('simulated.csv');
  await writeEventLogCsv(path, defaultScenario());
  return path;
}

for (const c of CASES) {
  describe.skipIf(c.dataset !== null && datasetsMissing(c.dataset))(`report ${c.name}`, () => {
    const out = (ext: string) => files.path(`${c.name}.${ext}`);
    let experiment: Json;

    it('writes html, csv, json (and pdf) with exit code 0', async () => {
      const input = await inputFile(c);
      const db = files.path(`${c.name}.duckdb`);
      const mapping = c.flags.filter((_, i, all) => all[i] !== '--experiment-id' && all[i - 1] !== '--experiment-id');
      const imported = await runCli(['import', input, ...mapping, '--db', db]);
      expect(imported.code, imported.stderr).toBe(0);
      const analysis = await runCli(['analyze', '--db', db, ...mapping, '--format', 'json']);
      expect(analysis.code, analysis.stderr).toBe(0);
      const experiments = (JSON.parse(analysis.stdout) as { experiments: Json[] }).experiments;
      experiment = c.dataset ? experiments[0]! : experiments.find((e) => e.experimentId === 'checkout-redesign')!;
      expect(experiment).toBeDefined();
      const formats = noPdf ? ['html', 'csv', 'json'] : ['html', 'pdf', 'csv', 'json'];
      for (const format of formats) {
        // The first report imports the file itself, as a user would; the others read the database.
        const source = format === 'html' ? [input] : ['--db', db];
        const run = await runCli(['report', ...source, ...c.flags, '--format', format, '--out', out(format)]);
        expect(run.code, `${format}: ${run.stderr}`).toBe(0);
        expect(run.stderr).toContain(`wrote ${out(format)}`);
      }
    });

    it('HTML: every number of the metric table equals the analysis JSON', () => {
      const html = readFileSync(out('html'), 'utf8');
      // Two CLI runs, two analyses: equal up to DuckDB's last-bit summation noise (see expectSameNumber).
      expectMetricTableEquals(html, experiment, false);
      // The JSON export of the report carries its own analysis: the HTML of that same analysis
      // shows exactly its numbers — checked on the report's JSON against a fresh rendering.
      const model = JSON.parse(readFileSync(out('json'), 'utf8')) as Json;
      expectMetricTableEquals(renderReportHtml(model as DecisionReportModel), model.analysis);
    });

    it('HTML: self-contained (only data: URLs), verdict sentence on top, charts as inline SVG', () => {
      const html = readFileSync(out('html'), 'utf8');
      expectSelfContained(html);
      expect(html.startsWith('<!doctype html>')).toBe(true);
      expect(html).toMatch(/@font-face\{font-family:'JetBrains Mono'[^}]*src:url\(data:font\/woff2;base64,/);
      const headline = /<p class="headline" id="headline">([^<]*)<\/p>/.exec(html)?.[1] ?? '';
      expect(headline.length).toBeGreaterThan(20);
      expect(html.indexOf('id="headline"')).toBeLessThan(html.indexOf('<table aria-label="Metrics"'));
      expect(chartSvg(html, 'forest')).toMatch(/^<svg[\s\S]*<\/svg>$/);
      if (c.timeSeries) {
        expect(chartSvg(html, 'cumulative')).toMatch(/^<svg/);
        expect(chartSvg(html, 'retention')).toMatch(/^<svg/);
      } else {
        expect(chartSvg(html, 'cumulative')).toBeNull();
      }
      // A funnel chart exactly when the analysis has funnel metrics (the simulated log has page
      // views, checkout starts and completions; the unit tables none), with one bar per step and variant.
      const experiment = (JSON.parse(readFileSync(out('json'), 'utf8')) as { analysis: ExperimentReport }).analysis;
      const funnelSteps = experiment.metrics.filter((m) => m.funnelStep).length;
      if (funnelSteps > 0) {
        const svg = chartSvg(html, 'funnel')!;
        expect(svg).toMatch(/^<svg/);
        expect(svg.match(/<path d="M[^"]*"[^>]*fill="[^"]+"/g)?.length ?? 0).toBeGreaterThanOrEqual(funnelSteps * experiment.variants.length);
      } else {
        expect(chartSvg(html, 'funnel')).toBeNull();
      }
      const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
      expect(new Set(ids).size, 'element ids are unique across the charts').toBe(ids.length);
    });

    it('CSV: one row per metric × variant, numbers unrounded and equal to the JSON', () => {
      const lines = readFileSync(out('csv'), 'utf8').split('\r\n').filter((l) => l !== '');
      const header = lines[0]!.split(',');
      const rows = lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i], v])));
      const expected = (experiment.metrics as Json[]).flatMap((m) => (m.variants as Json[]).map((v) => ({ m, v })));
      expect(rows).toHaveLength(expected.length);
      for (const { m, v } of expected) {
        const row = rows.find((r) => r.metric === m.name && r.variant === v.variant);
        expect(row, `${m.name}/${v.variant}`).toBeDefined();
        const at = `${m.name}/${v.variant}`;
        expect(Number(row!.n)).toBe(v.n);
        expectSameNumber(Number(row!.mean), v.mean, `${at}.mean`);
        const comparison = (m.comparisons as Json[]).find((x) => x.variant === v.variant);
        if (comparison) {
          for (const [column, value] of [['relative', comparison.relative.estimate], ['pValue', comparison.pValue]] as const) {
            const text = row![column]!;
            // No estimate (e.g. zero variance): an empty field, never a number.
            if (value === null) {
              expect(text, `${at}.${column}`).toBe('');
              continue;
            }
            expectSameNumber(Number(text), value as number, `${at}.${column}`);
            // Unrounded: the text is String(x) of the double it reads back as (and within 1e-12 above).
            expect(String(Number(text))).toBe(text);
          }
        } else {
          expect(row!.relative).toBe('');
        }
      }
    });

    it('JSON: the report model, with the analysis and provenance that balances', () => {
      const model = JSON.parse(readFileSync(out('json'), 'utf8')) as Json;
      expect(model.schema).toBe('experiment-desk/decision-report@1');
      expectDeepClose(model.analysis.metrics, experiment.metrics);
      expect(model.results.length).toBeGreaterThan(0);
      const totals = model.provenance.totals;
      expect(totals.rowsAccepted + totals.rowsRejected).toBe(totals.rowsRead);
      expect(model.provenance.files.length).toBeGreaterThan(0);
      expect(model.provenance.dataHash).toMatch(/^sha256:[0-9a-f]{64}$/);
      if (c.timeSeries) {
        expect(model.series.cumulative.length).toBeGreaterThan(0);
        expect(model.series.retention.length).toBeGreaterThan(0);
      }
    });

    it.skipIf(!!noPdf)('PDF: pages render, none blank; page 1 kept as a test artifact', () => {
      const pdf = readFileSync(out('pdf'));
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      const pages = pdfPages(out('pdf'));
      expect(pages.count).toBeGreaterThanOrEqual(2);
      expect(pages.count).toBeLessThanOrEqual(c.timeSeries ? 6 : 4);
      for (const [i, ink] of pages.ink.entries()) expect(ink, `page ${i + 1} has ink`).toBeGreaterThan(0.004);
      expect(pages.ink[0]!, 'page 1 (verdict, facts, metric table) is well filled').toBeGreaterThan(0.03);
      const png = savePageOne(out('pdf'), `${c.name}-page1`);
      expect(readFileSync(png).subarray(1, 4).toString()).toBe('PNG');
    });
  });
}

describe('report: where the files go', () => {
  it('several experiments: one file per experiment in the --out folder; --experiment-id picks one', async () => {
    const input = files.path('multi.csv');
    await writeEventLogCsv(input, defaultScenario({ units: 3000 }));
    const folder = files.path('reports');
    const run = await runCli(['report', input, '--format', 'csv', '--out', folder]);
    expect(run.code, run.stderr).toBe(0);
    const written = run.stderr.split('\n').filter((l) => l.startsWith('wrote '));
    expect(written).toHaveLength(2);
    expect(run.stderr).toMatch(/wrote .*reports\/checkout-redesign-decision-report-\d{4}-\d{2}-\d{2}\.csv/);
    expect(run.stderr).toMatch(/wrote .*reports\/spring-offer-decision-report-\d{4}-\d{2}-\d{2}\.csv/);

    const unknown = await runCli(['report', input, '--experiment-id', 'nope', '--out', files.path('x.html')]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
    expect(unknown.stderr).toContain('--experiment-id nope: no such experiment (found: checkout-redesign, spring-offer)');
  });

  it('experiments whose ids sanitise alike (exp/1, exp?1) get two files, not one overwritten', async () => {
    const lines = ['event_name,timestamp,user_id,experiment_id,variant_id'];
    for (const experiment of ['exp/1', 'exp?1']) {
      for (let u = 0; u < 40; u++) lines.push(`experiment.exposure,2026-03-0${1 + (u % 5)}T10:00:00Z,${experiment}-u${u},${experiment},${u % 2 === 0 ? 'control' : 'treatment'}`);
    }
    const input = files.write('alike.csv', `${lines.join('\n')}\n`);
    const folder = files.path('alike-reports');
    const run = await runCli(['report', input, '--format', 'json', '--out', folder]);
    expect(run.code, run.stderr).toBe(0);
    const written = run.stderr.split('\n').filter((l) => l.startsWith('wrote ')).map((l) => l.slice('wrote '.length));
    expect(written).toHaveLength(2);
    expect(new Set(written).size).toBe(2);
    for (const path of written) expect(path).toMatch(/alike-reports\/exp-1-[0-9a-f]{8}-decision-report-\d{4}-\d{2}-\d{2}\.json$/);
    const ids = written.map((path) => (JSON.parse(readFileSync(path, 'utf8')) as { experimentId: string }).experimentId).sort();
    expect(ids).toEqual(['exp/1', 'exp?1']);
  });

  it('usage errors are one line and exit 2', async () => {
    const input = files.write('tiny.csv', 'uid,arm,bought\n1,a,0\n2,b,1\n');
    const noOut = await runCli(['report', input, '--unit', 'uid', '--variant', 'arm']);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toBe('experiment-desk: report needs --out PATH (a file, or a folder for several experiments)\n');
    const badFormat = await runCli(['report', input, '--format', 'docx', '--out', files.path('r')]);
    expect(badFormat.code).toBe(2);
    const badAudit = files.write('audit.json', '{"hello": 1}');
    const audit = await runCli(['report', input, '--unit', 'uid', '--variant', 'arm', '--audit', badAudit, '--out', files.path('r.html')]);
    expect(audit.code).toBe(2);
    expect(audit.stderr).toMatch(/^experiment-desk: --audit .*audit\.json: neither a ChangeSet nor a list of audit events/);
  });

  it('PDF without Chromium: exit 2 and one clear line', async () => {
    const input = files.write('tiny2.csv', 'uid,arm,bought\n1,a,0\n2,b,1\n');
    const before = process.env.CHROMIUM_PATH;
    process.env.CHROMIUM_PATH = '/nonexistent/chromium';
    try {
      const run = await runCli(['report', input, '--unit', 'uid', '--variant', 'arm', '--format', 'pdf', '--out', files.path('r.pdf')]);
      expect(run.code).toBe(2);
      expect(run.stderr).toBe('experiment-desk: PDF needs Chromium, which is not installed at /nonexistent/chromium '
        + '(install it, e.g. `apt-get install chromium`, or set CHROMIUM_PATH); HTML, CSV and JSON work without it\n');
    } finally {
      if (before === undefined) delete process.env.CHROMIUM_PATH;
      else process.env.CHROMIUM_PATH = before;
    }
  });
});
