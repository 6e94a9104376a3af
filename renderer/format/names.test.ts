/**
 * Names from the data shown without bidi controls in the app's views (docs/security.md, "The
 * renderer"): the display filter itself, and the metric table, the experiment list, the
 * experiment screen, the ChangeSet views and the import summary rendered to HTML with names
 * carrying every control. `data-*` attributes keep the names as they are.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterEach, describe, expect, it } from 'vitest';
import type { ImportSummary } from '../../contract/import.ts';
import type { ExperimentReport } from '../../contract/report.ts';
import type { OutboxItem } from '../../contract/changesets/decisions.ts';
import type { ProofResult } from '../../contract/changesets/schemas.ts';
import { MetricTable } from '../components/MetricTable.tsx';
import { OutboxItemView } from '../components/OutboxItemView.tsx';
import { ProofSummary } from '../components/ProofSummary.tsx';
import { ExperimentScreen } from '../screens/ExperimentScreen.tsx';
import { ExperimentsScreen } from '../screens/ExperimentsScreen.tsx';
import { ImportScreen } from '../screens/ImportScreen.tsx';
import type { LoadedAnalysis } from '../store/slices/experiment.ts';
import type { DeskState } from '../store/state.ts';
import { resetStore, useDeskStore } from '../store/store.ts';
import { displayFileName, displayName, displayNames } from './names.ts';

/** Every bidi embedding, override and isolate control. */
const CONTROLS = '\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069';
const BIDI = /[\u202A-\u202E\u2066-\u2069]/;
/** A name wrapped in controls: an override that would reverse the numbers after it. */
const hostile = (name: string): string => `\u202E${name}${CONTROLS}`;

/** The markup without its `data-*` attributes (they keep the raw name on purpose). */
const shownText = (html: string): string => html.replace(/ data-[a-z-]+="[^"]*"/g, '');

const interval = (estimate: number) => ({ estimate, ciLower: estimate - 0.01, ciUpper: estimate + 0.01 });

function report(): ExperimentReport {
  return {
    experimentId: hostile('exp'), source: 'events', control: hostile('control'), variants: [hostile('control'), hostile('v2')],
    units: { [hostile('control')]: 10, [hostile('v2')]: 12 }, excludedUnits: { multipleExposures: 0 }, totalUnits: 22,
    firstExposure: null, dataEnd: null, runtimeDays: null, srm: { chiSquare: 0, pValue: 1, flagged: false, df: 1 },
    primaryMetric: hostile('conversion'), guardrailMetrics: [hostile('revenue')],
    metrics: [{
      name: hostile('conversion'), type: 'binomial', eligibleUnits: 22, cupedRequested: false, theta: null, errorCode: null,
      variants: [{ variant: hostile('control'), n: 10, mean: 0.1, variance: 0.09 }, { variant: hostile('v2'), n: 12, mean: 0.2, variance: 0.16 }],
      comparisons: [{
        variant: hostile('v2'), control: hostile('control'), absolute: interval(0.1), relative: interval(1), pValue: 0.5, errorCode: null, cuped: null,
      } as ExperimentReport['metrics'][number]['comparisons'][number]],
    }],
    power: null,
    warnings: [{ code: 'underpowered', message: `Underpowered on ${hostile('conversion')}.`, metric: hostile('conversion'), variant: hostile('v2') }],
    verdict: { status: 'inconclusive', reason: `No difference on ${hostile('conversion')}.`, proposedTransition: null },
  };
}

// Server rendering reads the store's initial state (zustand's server snapshot): each test puts
// the state it renders there, and the initial state is restored after it.
const initial = useDeskStore.getInitialState();
const pristine = { ...initial };
afterEach(() => {
  Object.assign(initial, pristine);
  resetStore();
});
function setInitial(patch: (s: DeskState) => Partial<DeskState>): void {
  Object.assign(initial, patch(initial));
}

describe('displayName', () => {
  it('removes the bidi controls and nothing else; null is empty', () => {
    expect(displayName(`a${CONTROLS}b`)).toBe('ab');
    expect(displayName('שלום \u200F مرحبا')).toBe('שלום \u200F مرحبا');
    expect(displayName(null)).toBe('');
    expect(displayNames([hostile('a'), hostile('b')], ' · ')).toBe('a · b');
    expect(displayFileName(`/tmp/x/${hostile('events')}.csv`)).toBe('events.csv');
    expect(displayFileName('C:\\data\\\u2066e.csv')).toBe('e.csv');
  });
});

describe('views show names without bidi controls', () => {
  it('the metric table (its data-* attributes keep the raw names)', () => {
    const html = renderToStaticMarkup(createElement(MetricTable, { report: report() }));
    expect(shownText(html)).not.toMatch(BIDI);
    expect(shownText(html)).toContain('conversion');
    expect(html).toContain(`data-metric="${hostile('conversion')}"`);
  });

  it('the experiment list', () => {
    setInitial((s) => ({
      experiments: {
        ...s.experiments,
        items: [{ experimentId: hostile('exp'), source: 'events', control: hostile('control'), variants: [hostile('control'), hostile('v2')], units: 22, firstExposure: null, dataEnd: null, warnings: [], verdict: 'inconclusive' }],
      },
    }));
    const html = renderToStaticMarkup(createElement(ExperimentsScreen));
    expect(shownText(html)).not.toMatch(BIDI);
    expect(html).toContain('aria-label="Open exp"');
  });

  it('the experiment screen: heading, control, verdict, warnings, facts, filters', () => {
    const analysis: LoadedAnalysis = {
      experimentId: hostile('exp'), overrides: {}, report: report(), cumulative: { variants: [], byVariant: new Map(), rows: 0 }, retention: { variants: [], byVariant: new Map(), rows: 0 },
      segments: [hostile('new')], exposureAttributes: { store_id: [hostile('de'), hostile('nl')] },
    };
    setInitial((s) => ({ experiment: { ...s.experiment, experimentId: hostile('exp'), status: 'ready', analysis } }));
    const html = renderToStaticMarkup(createElement(ExperimentScreen));
    expect(html).toContain('<h1 tabindex="-1" class="mono">exp</h1>');
    expect(shownText(html).replace(/ value="[^"]*"/g, '')).not.toMatch(BIDI);
  });

  it('the ChangeSet views: outbox items and proof summaries', () => {
    const item = {
      id: 'o1', changesetId: hostile('cs_1'), experimentId: hostile('exp'), state: 'queued', attempts: 0, updatedAt: '2026-03-24T09:00:00Z',
      nextAttemptAt: null, lastError: null, conflict: null, result: null, request: { to: 'PROVEN', expectedVersion: 3 },
    } as unknown as OutboxItem;
    const outbox = renderToStaticMarkup(createElement(OutboxItemView, { item }));
    expect(shownText(outbox)).not.toMatch(BIDI);
    expect(outbox).toContain('cs_1 → PROVEN');
    const proof = {
      experimentId: hostile('exp'), metric: hostile('conversion'), metricType: 'binomial', method: 'frequentist', alpha: 0.05,
      variant: hostile('v2'), control: hostile('control'), relativeUplift: interval(0.1), absoluteUplift: interval(0.01), pValue: 0.01, cuped: null,
      variants: [{ variant: hostile('control'), isControl: true, n: 10 }, { variant: hostile('v2'), isControl: false, n: 12 }],
      analysisWindow: { start: '2026-03-01T00:00:00Z', end: '2026-03-20T00:00:00Z' }, dataHash: 'h', appVersion: '1', warnings: [],
      verdict: { status: 'winner', reason: 'r' },
    } as unknown as ProofResult;
    const summary = renderToStaticMarkup(createElement(ProofSummary, { proof }));
    expect(shownText(summary)).not.toMatch(BIDI);
    expect(summary).toContain('v2 vs control');
  });

  it('the import summary: file names', () => {
    const summary = {
      path: `/uploads/${hostile('events')}.csv`, format: 'csv', shape: 'event_log', bytes: 1000, seconds: 1, fileId: null, duplicateOf: null,
      rowsRead: 3, rowsAccepted: 3, rowsRejected: 0, zonelessTimestamps: 0, rejectsByReason: {}, sha256: 'a',
    } as unknown as ImportSummary;
    setInitial((s) => ({ importer: { ...s.importer, status: 'done', summaries: [summary] } }));
    const html = renderToStaticMarkup(createElement(ImportScreen, { dragging: false }));
    expect(shownText(html)).not.toMatch(BIDI);
    expect(html).toContain('<h3 class="mono">events.csv</h3>');
  });
});
