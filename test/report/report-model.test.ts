/**
 * The report model and its renderings, piece by piece: the verdict sentence, result rows, CSV
 * quoting (RFC 4180) and precision, the audit trail and the decision, HTML escaping of every
 * text from the data, the number formats shared with the app's screens, and the desk service's
 * `exportReport` (formats, errors).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportFileName, safeFileStem } from '../../contract/report-export.ts';
import type { ExperimentReport } from '../../contract/report.ts';
import { defaultSettings } from '../../contract/settings.ts';
import { buildReportModel, dataHashOf, decisionFromAudit } from '../../data/report/build-report-model.ts';
import { exportReportFile, reportJson } from '../../data/report/export-report.ts';
import { buildHeadline } from '../../data/report/headline.ts';
import { linkedFromDetail } from '../../data/report/linked-changeset.ts';
import { auditCsv, csvField, resultsCsv, toCsv } from '../../data/report/render-csv.ts';
import { esc, renderReportHtml } from '../../data/report/render-html.ts';
import type { ReportAuditEvent, ReportChangeSet } from '../../data/report/report-model.ts';
import { PdfUnavailableError } from '../../data/report/render-pdf.ts';
import { createDeskService } from '../../data/service/desk-service.ts';
import { readAuditFile } from '../../cli/report.ts';
import { runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/temp-files.ts';
import { expectMetricTableEquals, expectSelfContained, metricCells } from './report-files.ts';

const files = tempDir();

const interval = (estimate: number | null, ciLower: number | null, ciUpper: number | null) => ({ estimate, ciLower, ciUpper });

/** A two-arm experiment with a CUPED-adjusted winner on conversion (numbers are made up but consistent). */
function experiment(overrides: Partial<ExperimentReport> = {}): ExperimentReport {
  return {
    experimentId: 'spring-offer',
    source: 'events',
    control: 'control',
    variants: ['control', 'v2'],
    units: { control: 10_000, v2: 10_050 },
    excludedUnits: { multipleExposures: 12 },
    totalUnits: 20_062,
    firstExposure: '2026-03-02T00:00:00.000Z',
    dataEnd: '2026-03-23T00:00:00.000Z',
    runtimeDays: 21,
    srm: { chiSquare: 0.12, pValue: 0.73, flagged: false, df: 1 },
    primaryMetric: 'conversion',
    guardrailMetrics: ['revenue_per_user'],
    metrics: [
      {
        name: 'conversion', type: 'binomial', eligibleUnits: 20_050, cupedRequested: true, theta: 0.41, errorCode: null,
        variants: [
          { variant: 'control', n: 10_000, mean: 0.1, variance: 0.09 },
          { variant: 'v2', n: 10_050, mean: 0.10432, variance: 0.0934 },
        ],
        comparisons: [{
          variant: 'v2', control: 'control', absolute: interval(0.00432, 0.0017, 0.0069), relative: interval(0.0432, 0.017, 0.069),
          pValue: 0.0012, absolutePValue: 0.0011, errorCode: null,
          cuped: {
            theta: 0.41, varianceReduction: 0.1575, absolute: interval(0.0043, 0.0018, 0.0068), relative: interval(0.043, 0.0172, 0.0689),
            pValue: 0.0009876543210123, absolutePValue: 0.00095, errorCode: null,
          },
        }],
      },
      {
        name: 'revenue_per_user', type: 'continuous', eligibleUnits: 20_050, cupedRequested: false, theta: null, errorCode: null,
        variants: [
          { variant: 'control', n: 10_000, mean: 0.1 + 0.2, variance: 12.5 },
          { variant: 'v2', n: 10_050, mean: 0.31, variance: 12.9 },
        ],
        comparisons: [{ variant: 'v2', control: 'control', absolute: interval(0.01, -0.2, 0.22), relative: interval(0.0333, -0.6, 0.7), pValue: 0.9, absolutePValue: 0.9, errorCode: null, cuped: null }],
      },
    ],
    power: { metric: 'conversion', relativeMde: 0.05, power: 0.8, requiredPerVariant: 57_000, achievedMde: 0.12, unitsPerVariantPerDay: 478, daysStillNeeded: 98 },
    warnings: [{ code: 'underpowered', message: 'Underpowered on conversion.', metric: 'conversion' }],
    verdict: { status: 'winner', variant: 'v2', reason: 'v2 lifts conversion by +4.3% [+1.7%, +6.9%], p < 0.001, CUPED-adjusted.', proposedTransition: 'PROVEN' },
    ...overrides,
  };
}

const audit: ReportAuditEvent[] = [
  { id: 'e2', changesetId: 'cs_1', storeId: 's1', version: 2, timestamp: '2026-03-24T09:00:00.000Z', actor: { type: 'user', id: 'ana' }, action: 'proven', previousState: 'MEASURING', newState: 'PROVEN', reason: 'v2 wins, "clearly", on conversion', metadata: { idempotencyKey: 'k1' } },
  { id: 'e1', changesetId: 'cs_1', storeId: 's1', version: 1, timestamp: '2026-03-01T09:00:00.000Z', actor: { type: 'system', id: 'engine' }, action: 'created', previousState: null, newState: 'DRAFT', reason: 'created\nwith two lines', metadata: {} },
];

const changeSet: ReportChangeSet = {
  id: 'cs_1', version: 2, storeId: 's1', execution: { status: 'PROVEN' },
  actionPlan: { type: 'feature_flag', implementation: { featureFlagKey: 'spring-offer', changes: [] } },
  rollbackPlan: { autoRollbackTriggers: [{ metric: 'revenue_per_user', maxRelativeDrop: 0.05, description: 'drop' }] },
  auditTrail: audit,
};

function model(overrides: Partial<Parameters<typeof buildReportModel>[0]> = {}) {
  return buildReportModel({
    experiment: experiment(),
    settings: defaultSettings(),
    files: [{
      fileId: 1, importedAt: '2026-03-23T10:00:00.000Z', path: '/data/exports/events.csv', sha256: 'a'.repeat(64),
      rowsRead: 100, rowsAccepted: 97, rowsRejected: 3, shape: 'event_log', zonelessTimestamps: 0, rejectsByReason: { bad_timestamp: 2, missing_user_id: 1 },
    }],
    appVersion: '9.9.9',
    analysedAt: '2026-03-24T09:29:00.000Z',
    generatedAt: '2026-03-24T09:30:00.000Z',
    ...overrides,
  });
}

describe('the verdict sentence', () => {
  it('winner: variant, metric, relative uplift with CI, p, CUPED on', () => {
    expect(buildHeadline(experiment(), true, 0.05).sentence).toBe('v2 lifts conversion by +4.3% [+1.7%, +6.9%], p < 0.001, CUPED on');
    expect(buildHeadline(experiment(), false, 0.05).sentence).toBe('v2 lifts conversion by +4.3% [+1.7%, +6.9%], p = 0.0012, CUPED off');
  });

  it('inconclusive names the closest arm; not_ready repeats the reason', () => {
    const inconclusive = experiment({ verdict: { status: 'inconclusive', reason: 'No significant difference.', proposedTransition: null } });
    expect(buildHeadline(inconclusive, true, 0.0001).sentence).toBe('No significant difference on conversion: v2 +4.3% [+1.7%, +6.9%], p < 0.001, CUPED on');
    const notReady = experiment({ verdict: { status: 'not_ready', reason: 'Not ready to decide. Sample ratio mismatch.', proposedTransition: null } });
    expect(buildHeadline(notReady, true, 0.05)).toMatchObject({ status: 'not_ready', sentence: 'Not ready to decide. Sample ratio mismatch' });
  });

  it('a breached guardrail names it', () => {
    const breach = experiment({
      verdict: { status: 'loser', variant: 'v2', reason: 'v2 breaches guardrail revenue_per_user.', proposedTransition: 'ROLLED_BACK' },
      metrics: [experiment().metrics[0]!, {
        ...experiment().metrics[1]!,
        comparisons: [{ variant: 'v2', control: 'control', absolute: interval(-0.02, -0.03, -0.01), relative: interval(-0.062, -0.09, -0.03), pValue: 0.002, absolutePValue: 0.002, errorCode: null, cuped: null }],
      }],
    });
    expect(buildHeadline(breach, true, 0.05).sentence).toBe('v2 lowers revenue_per_user (guardrail) by -6.2% [-9.0%, -3.0%], p = 0.002, no CUPED covariate');
  });
});

describe('the report model', () => {
  it('one result row per metric × variant, every number unrounded', () => {
    const m = model();
    expect(m.results.map((r) => `${r.metric}/${r.variant}`)).toEqual(['conversion/control', 'conversion/v2', 'revenue_per_user/control', 'revenue_per_user/v2']);
    expect(m.results[1]).toMatchObject({ role: 'primary', relative: 0.0432, cupedPValue: 0.0009876543210123, varianceReduction: 0.1575, cupedTheta: 0.41 });
    expect(m.results[2]).toMatchObject({ role: 'guardrail', isControl: true, mean: 0.30000000000000004, relative: null });
  });

  it('provenance: base names, totals, the data hash of the files', () => {
    const m = model();
    expect(m.provenance.files[0]!.name).toBe('events.csv');
    expect(m.provenance.totals).toEqual({ rowsRead: 100, rowsAccepted: 97, rowsRejected: 3, rejectsByReason: { bad_timestamp: 2, missing_user_id: 1 } });
    expect(m.provenance.dataHash).toBe(`sha256:${'a'.repeat(64)}`);
    // Several files: SHA-256 of the sorted digests joined by \n (as the ChangeSet proof records it).
    expect(dataHashOf([{ sha256: 'bb' }, { sha256: 'aa' }])).toBe(dataHashOf([{ sha256: 'aa' }, { sha256: 'bb' }]));
    expect(dataHashOf([])).toBeNull();
  });

  it('audit trail sorted oldest first; the decision is the latest event into a decision state', () => {
    const m = model({ changeSet });
    expect(m.auditTrail.map((e) => e.action)).toEqual(['created', 'proven']);
    expect(m.decision).toEqual({ to: 'PROVEN', at: '2026-03-24T09:00:00.000Z', actor: { type: 'user', id: 'ana' }, reason: 'v2 wins, "clearly", on conversion', sync: 'recorded' });
    expect(decisionFromAudit([audit[1]!])).toBeNull();
  });

  it('a decision still in the outbox wins over the audit trail, with its sync state', () => {
    const linked = linkedFromDetail({
      changeset: { ...changeSet, execution: { status: 'MEASURING' } }, audit: [audit[1]!],
      outbox: [
        { experimentId: 'other', state: 'queued', createdAt: '2026-03-25T00:00:00Z', request: { to: 'ROLLED_BACK', reason: 'x', actor: { type: 'user', id: 'bob' } } },
        { experimentId: 'spring-offer', state: 'queued', createdAt: '2026-03-24T12:00:00Z', request: { to: 'PROVEN', reason: 'wins', actor: { type: 'user', id: 'ana' } } },
      ],
    }, 'spring-offer');
    expect(linked.decision).toEqual({ to: 'PROVEN', at: '2026-03-24T12:00:00Z', actor: { type: 'user', id: 'ana' }, reason: 'wins', sync: 'queued' });
    expect(linked.auditTrail).toHaveLength(1);
  });
});

describe('CSV (RFC 4180)', () => {
  it('quotes fields with commas, quotes, CR or LF; doubles quotes; CRLF records', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(' padded')).toBe('" padded"');
    expect(csvField(null)).toBe('');
    // Text a spreadsheet would run is defused; numbers, negative ones too, are not touched.
    expect(csvField('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
    expect(csvField('+1')).toBe('"\'+1"');
    expect(csvField('-2+3')).toBe('"\'-2+3"');
    expect(csvField('@SUM(A1)')).toBe('"\'@SUM(A1)"');
    expect(csvField('\tcmd')).toBe('"\'\tcmd"');
    expect(csvField(-0.05)).toBe('-0.05');
    expect(csvField('a=b')).toBe('a=b');
    expect(csvField(true)).toBe('true');
    expect(toCsv(['a', 'b'], [[1, 'x,y']])).toBe('a,b\r\n1,"x,y"\r\n');
  });

  it('numbers at full precision (String(x)), null as an empty field', () => {
    const csv = resultsCsv(model());
    const lines = csv.split('\r\n');
    expect(lines[0]!.startsWith('experimentId,metric,metricType,role,variant,isControl,n,mean,variance,absolute,')).toBe(true);
    expect(csv).toContain(',0.30000000000000004,');
    expect(csv).toContain(',0.0009876543210123,');
    expect(lines).toHaveLength(4 + 2); // header, 4 rows, the empty string after the last CRLF
  });

  it('audit trail: docs/changesets.md fields, metadata as JSON, reasons quoted', () => {
    const csv = auditCsv(model({ changeSet }).auditTrail);
    const [header, first, second] = csv.split('\r\n');
    expect(header).toBe('id,changesetId,storeId,version,timestamp,actorType,actorId,action,previousState,newState,reason,metadata');
    expect(first).toBe('e1,cs_1,s1,1,2026-03-01T09:00:00.000Z,system,engine,created,,DRAFT,"created\nwith two lines",{}');
    expect(csv).toContain('user,ana,proven,MEASURING,PROVEN,"v2 wins, ""clearly"", on conversion","{""idempotencyKey"":""k1""}"');
    expect(second).toBeDefined();
    expect(auditCsv([])).toBe('id,changesetId,storeId,version,timestamp,actorType,actorId,action,previousState,newState,reason,metadata\r\n');
  });
});

describe('HTML', () => {
  it('escapes every text from the data', () => {
    expect(esc(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const evil = '"><script>alert(1)</script>';
    const html = renderReportHtml(model({
      experiment: experiment({ experimentId: evil, control: `<b>${evil}`, variants: [`<b>${evil}`, 'v2'], guardrailMetrics: [] }),
      changeSet: { ...changeSet, id: evil, auditTrail: [{ ...audit[0]!, reason: evil, metadata: { note: evil } }] },
      files: [{ ...model().provenance.files[0]!, path: `/tmp/${evil}.csv` }],
    }));
    expect(html).not.toContain('<script>');
    expect(html).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expectSelfContained(html);
  });

  it('the self-containment check itself catches network URLs', () => {
    const page = (body: string) => `<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;">${body}`;
    expect(() => expectSelfContained(page('<p>ok</p>'))).not.toThrow();
    expect(() => expectSelfContained(page('<div style="background:url(https://cdn.example/x.png)"></div>'))).toThrow();
    expect(() => expectSelfContained(page('<style>@font-face{src:url(//fonts.example/f.woff2)}</style>'))).toThrow();
    expect(() => expectSelfContained(page('<a href="https://example.com">x</a>'))).toThrow();
    expect(() => expectSelfContained(page('<svg><image href="http://example.com/i.png"/></svg>'))).toThrow();
  });

  it('the metric table carries the unrounded numbers under the app’s field names', () => {
    const m = model();
    const html = renderReportHtml(m);
    expectMetricTableEquals(html, m.analysis);
    const pValue = metricCells(html).find((c) => c.metric === 'conversion' && c.variant === 'v2' && c.field === 'cupedPValue');
    expect(pValue?.value).toBe('0.0009876543210123');
  });

  it('states the metric windows of an event-log analysis', () => {
    expect(renderReportHtml(model())).toContain('<dd>until the end of the data</dd>');
    const windowed = renderReportHtml(model({ settings: defaultSettings({ metricWindowDays: { conversion: 7, funnel: 2 } }) }));
    expect(windowed).toContain('conversion 7 d · funnel 2 d');
  });

  it('shows the ChangeSet, its armed state and the audit timeline; says so when none is linked', () => {
    const html = renderReportHtml(model({ changeSet: { ...changeSet, execution: { status: 'MEASURING' } } }));
    expect(html).toContain('AUTO-ROLLBACK: ARMED • DEVIATION &gt; 5% = AUTO-KILL');
    expect(html.match(/<li[^>]*data-action=/g)).toHaveLength(2);
    expect(renderReportHtml(model())).toContain('No ChangeSet is linked to this experiment.');
  });

  it('prints light: a print stylesheet, the light chart variant, rows and charts never split', () => {
    const html = renderReportHtml(model());
    expect(html).toContain('@media print');
    expect(html).toMatch(/@media print \{[\s\S]*--bg: #ffffff;[\s\S]*figure \.chart-dark \{ display: none; \}/);
    expect(html).toMatch(/tr, figure,[^{]*\{ break-inside: avoid;/);
    expect(html).toContain('thead { display: table-header-group; }');
    expect(html.match(/class="svg chart-light"/g)?.length).toBe(html.match(/class="svg chart-dark"/g)?.length);
  });
});

describe('report file names', () => {
  it('file names: safe stems, the generation day, the format’s extension', () => {
    expect(reportFileName('spring-offer', 'pdf', '2026-03-24T09:30:00Z')).toBe('spring-offer-decision-report-2026-03-24.pdf');
    expect(reportFileName('a/b "c"', 'audit-csv', '2026-03-24T09:30:00Z')).toMatch(/^a-b-c-[0-9a-f]{8}-decision-report-2026-03-24\.audit\.csv$/);
    expect(safeFileStem('../../etc/passwd')).toMatch(/^etc-passwd-[0-9a-f]{8}$/);
    expect(safeFileStem('')).toMatch(/^experiment-[0-9a-f]{8}$/);
  });

  it('ids that sanitise alike get different names: no report overwrites another', () => {
    const ids = ['exp/1', 'exp?1', 'exp 1', 'exp-1', 'exp\\1', 'exp:1', 'exp\u202E1', '', 'experiment', 'x'.repeat(90), `${'x'.repeat(90)}y`];
    const names = ids.map((id) => reportFileName(id, 'html', '2026-03-24T09:30:00Z'));
    expect(new Set(names).size).toBe(ids.length);
    // An id that is already safe keeps its name; a changed one is recognisable and stays safe.
    expect(names[3]).toBe('exp-1-decision-report-2026-03-24.html');
    for (const name of names) expect(name).toMatch(/^[A-Za-z0-9_-][A-Za-z0-9._-]*\.html$/);
    expect(safeFileStem('exp/1')).toBe(safeFileStem('exp/1'));
    // Bidi controls are removed, not turned into a dash (docs/security.md).
    expect(safeFileStem('exp\u202E1')).toMatch(/^exp1-[0-9a-f]{8}$/);
  });
});

describe('exportReportFile', () => {
  it('renders each format with its name and media type; PDF through the given printer', async () => {
    const m = model();
    const printed: string[] = [];
    const printer = async (html: string) => {
      printed.push(html);
      return new TextEncoder().encode('%PDF-1.7 fake');
    };
    const pdf = await exportReportFile(m, 'pdf', printer);
    expect(pdf).toMatchObject({ fileName: 'spring-offer-decision-report-2026-03-24.pdf', mediaType: 'application/pdf' });
    expect(printed[0]).toMatch(/^<!doctype html>[\s\S]*v2 lifts conversion by \+4\.3%[\s\S]*<\/html>\n$/);
    const json = await exportReportFile(m, 'json');
    expect(new TextDecoder().decode(json.bytes)).toBe(reportJson(m));
    expect(JSON.parse(reportJson(m)).results[1].cupedPValue).toBe(0.0009876543210123);
    expect((await exportReportFile(m, 'csv')).mediaType).toBe('text/csv;charset=utf-8');
  });
});

describe('--audit files', () => {
  it('reads a ChangeSet, an API envelope or a bare audit trail; refuses anything else', async () => {
    const event = { ...audit[1]!, timestamp: '2026-03-01T09:00:00.000Z' };
    const trail = files.write('trail.json', JSON.stringify({ data: [event] }));
    expect(await readAuditFile(trail)).toEqual({ changeSet: null, auditTrail: [event] });
    await expect(readAuditFile(files.write('bad.json', '[{"action": "proven"}]'))).rejects.toThrow(/neither a ChangeSet nor a list of audit events/);
    await expect(readAuditFile(files.path('missing.json'))).rejects.toThrow(/cannot read JSON/);
  });
});

describe('HTML injection through the data, end to end', () => {
  it('experiment ids, variant names and file names from a hostile file come out escaped', async () => {
    const evilExperiment = 'x"><img src=x onerror=alert(1)>';
    const evilVariant = '<script>alert("v")</script>';
    const rows = ['uid,arm,exp,bought'];
    for (let i = 0; i < 60; i++) rows.push(`${i},${i % 2 ? 'ctl' : `"${evilVariant.replaceAll('"', '""')}"`},"${evilExperiment.replaceAll('"', '""')}",${i % 3 === 0 ? 1 : 0}`);
    const input = files.write('<b>hostile<i>.csv', `${rows.join('\n')}\n`);
    const out = files.path('hostile.html');
    const run = await runCli(['report', input, '--unit', 'uid', '--variant', 'arm', '--experiment', 'exp', '--metric', 'bought', '--control', 'ctl', '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>hostile');
    expect(html).toContain('&lt;script&gt;alert(&quot;v&quot;)&lt;/script&gt;');
    expect(html).toContain('&lt;b&gt;hostile&lt;i&gt;.csv');
    expectSelfContained(html);
    const cells = metricCells(html);
    expect(new Set(cells.map((c) => c.variant))).toEqual(new Set(['ctl', evilVariant]));
  });
});

describe('desk service exportReport', () => {
  it('exports every format of an analysed experiment; unknown experiments are not_found; no Chromium is bad_input', async () => {
    const dir = files.path('service');
    const service = await createDeskService({
      databasePath: ':memory:', settingsPath: join(dir, 'settings.json'), uploadDir: join(dir, 'work'),
      printPdf: async () => {
        throw new PdfUnavailableError('PDF needs Chromium, which is not installed at /x');
      },
    });
    try {
      const input = files.write('svc.csv', `uid,arm,bought\n${Array.from({ length: 200 }, (_, i) => `${i},${i % 2 ? 'a' : 'b'},${i % 5 === 0 ? 1 : 0}`).join('\n')}\n`);
      await service.handlers.importFiles({ importId: 'i1', files: [{ kind: 'path', path: input }], mapping: { unit: 'uid', variant: 'arm', control: 'a' } });
      const [experimentId] = (await service.handlers.listExperiments({})).map((e) => e.experimentId);
      const html = await service.handlers.exportReport({ experimentId: experimentId!, format: 'html', overrides: { alpha: 0.1 } });
      expect(html.fileName).toMatch(/^svc-decision-report-\d{4}-\d{2}-\d{2}\.html$/);
      expect(new TextDecoder().decode(html.bytes)).toContain('90.0% CI');
      const csv = await service.handlers.exportReport({ experimentId: experimentId!, format: 'csv' });
      expect(new TextDecoder().decode(csv.bytes).split('\r\n')).toHaveLength(1 + 2 + 1);
      const auditCsvFile = await service.handlers.exportReport({ experimentId: experimentId!, format: 'audit-csv' });
      expect(new TextDecoder().decode(auditCsvFile.bytes)).toMatch(/^id,changesetId,/);
      const { invokeHandler } = await import('../../data/service/desk-service.ts');
      expect(await invokeHandler(service, 'exportReport', { experimentId: 'nope', format: 'html' }))
        .toMatchObject({ ok: false, error: { code: 'not_found' } });
      expect(await invokeHandler(service, 'exportReport', { experimentId: experimentId!, format: 'pdf' }))
        .toEqual({ ok: false, error: { code: 'bad_input', message: 'PDF needs Chromium, which is not installed at /x' } });
      expect(await invokeHandler(service, 'exportReport', { experimentId: experimentId!, format: 'docx' }))
        .toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    } finally {
      await service.close();
    }
  });
});
