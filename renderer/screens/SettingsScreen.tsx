/**
 * Settings (docs/interface.md): the analysis defaults (α, power, MDE, minimum sample, minimum runtime,
 * CUPED pre-period), the exposure/conversion event names and the funnel's steps, one per line, and
 * the per-metric windows. The host validates;
 * its message is shown as it is. Below them, the ChangeSet API (ApiSettingsSection.tsx).
 */
import { useState, type FormEvent } from 'react';
import type { DeskSettings, SetSettingsRequest } from '../../contract/desk-api.ts';
import { WINDOWED_METRICS, type WindowedMetric } from '../../contract/settings.ts';
import { ScreenHeading } from '../components/ScreenHeading.tsx';
import { editSettings, saveSettings } from '../store/actions/settings.ts';
import { ApiSettingsSection } from './ApiSettingsSection.tsx';
import { useDeskStore } from '../store/store.ts';

interface Draft {
  alpha: string;
  power: string;
  mde: string;
  minSamplePerVariant: string;
  minRuntimeDays: string;
  cupedPrePeriodDays: string;
  exposureEvents: string;
  conversionEvents: string;
  funnelSteps: string;
  /** Per windowed metric: days as typed, '' for no window. */
  windows: Record<WindowedMetric, string>;
  cuped: boolean;
}

function draftOf(values: DeskSettings): Draft {
  return {
    alpha: String(values.alpha),
    power: String(values.power),
    mde: String(values.mde),
    minSamplePerVariant: String(values.minSamplePerVariant),
    minRuntimeDays: String(values.minRuntimeDays),
    cupedPrePeriodDays: String(values.cupedPrePeriodDays),
    exposureEvents: values.exposureEvents.join('\n'),
    conversionEvents: values.conversionEvents.join('\n'),
    funnelSteps: values.funnelSteps.join('\n'),
    windows: Object.fromEntries(WINDOWED_METRICS.map((m) => [m, values.metricWindowDays[m] === undefined ? '' : String(values.metricWindowDays[m])])) as Record<WindowedMetric, string>,
    cuped: values.cuped,
  };
}

const lines = (text: string): string[] => text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);

const NUMBER_FIELDS: ReadonlyArray<{ key: keyof Draft & keyof DeskSettings; label: string; hint: string; step: string }> = [
  { key: 'alpha', label: 'Alpha', hint: 'two-sided significance level, e.g. 0.05', step: '0.01' },
  { key: 'power', label: 'Power', hint: '1 − β of the sample-size calculation, e.g. 0.8', step: '0.05' },
  { key: 'mde', label: 'Minimum detectable effect', hint: 'relative to control, as a fraction: 0.05 = 5%', step: '0.01' },
  { key: 'minSamplePerVariant', label: 'Minimum units per variant', hint: 'below it: low_sample_size', step: '1' },
  { key: 'minRuntimeDays', label: 'Minimum runtime (days)', hint: 'below it: min_runtime_not_reached', step: '1' },
  { key: 'cupedPrePeriodDays', label: 'CUPED pre-period (days)', hint: 'covariate window [t0 − P, t0)', step: '1' },
];

export function SettingsScreen() {
  const values = useDeskStore((s) => s.settings.values);
  const loadError = useDeskStore((s) => (s.settings.values ? null : s.settings.error));
  return (
    <section className="screen">
      <div className="screen-head">
        <ScreenHeading>Settings</ScreenHeading>
        <span className="sub">Defaults for every analysis; the Experiment screen can override α, CUPED and filters.</span>
      </div>
      {loadError && <div className="banner alert" role="alert"><span className="code">{loadError.code}</span><p>{loadError.message}</p><span /></div>}
      {values ? <SettingsForm key={JSON.stringify(values)} values={values} /> : !loadError && <p className="loading-state">Loading settings…</p>}
      <ApiSettingsSection />
    </section>
  );
}

function SettingsForm({ values }: { values: DeskSettings }) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(values));
  const [problem, setProblem] = useState<string | null>(null);
  const saving = useDeskStore((s) => s.settings.saving);
  const saved = useDeskStore((s) => s.settings.saved);
  const error = useDeskStore((s) => s.settings.error);

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setProblem(null);
    editSettings();
    setDraft((d) => ({ ...d, [key]: value }));
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const request: Record<string, unknown> = { cuped: draft.cuped };
    for (const field of NUMBER_FIELDS) {
      const text = draft[field.key] as string;
      const value = Number(text);
      if (text.trim() === '' || !Number.isFinite(value)) {
        setProblem(`${field.label} must be a number.`);
        return;
      }
      request[field.key] = value;
    }
    request.exposureEvents = lines(draft.exposureEvents);
    request.conversionEvents = lines(draft.conversionEvents);
    request.funnelSteps = lines(draft.funnelSteps);
    const windows: Partial<Record<WindowedMetric, number>> = {};
    for (const metric of WINDOWED_METRICS) {
      const text = draft.windows[metric].trim();
      if (text === '') continue;
      const days = Number(text);
      if (!Number.isFinite(days) || days <= 0) {
        setProblem(`The ${metric} window must be a positive number of days, or empty.`);
        return;
      }
      windows[metric] = days;
    }
    request.metricWindowDays = windows;
    void saveSettings(request as SetSettingsRequest);
  };

  const message = problem ?? error?.message ?? null;

  return (
    <form className="settings-form" onSubmit={onSubmit} noValidate>
      <div className="form-grid">
        {NUMBER_FIELDS.map((field) => (
          <div className="field" key={field.key}>
            <label htmlFor={`setting-${field.key}`}>{field.label}</label>
            <input
              id={`setting-${field.key}`}
              type="number"
              step={field.step}
              inputMode="decimal"
              value={draft[field.key] as string}
              aria-describedby={`setting-${field.key}-hint`}
              onChange={(e) => set(field.key, e.target.value)}
            />
            <span className="hint" id={`setting-${field.key}-hint`}>{field.hint}</span>
          </div>
        ))}
        <div className="field">
          <label className="check">
            <input type="checkbox" checked={draft.cuped} onChange={(e) => set('cuped', e.target.checked)} />
            CUPED adjustment by default
          </label>
          <span className="hint">the verdict uses the CUPED-adjusted comparison when available</span>
        </div>
      </div>
      <div className="grid-2" style={{ borderBottom: '1px solid var(--line)' }}>
        <div className="field">
          <label htmlFor="setting-exposure">Exposure event names</label>
          <textarea id="setting-exposure" value={draft.exposureEvents} onChange={(e) => set('exposureEvents', e.target.value)} aria-describedby="setting-events-hint" spellCheck={false} />
        </div>
        <div className="field">
          <label htmlFor="setting-conversion">Conversion event names</label>
          <textarea id="setting-conversion" value={draft.conversionEvents} onChange={(e) => set('conversionEvents', e.target.value)} aria-describedby="setting-events-hint" spellCheck={false} />
        </div>
      </div>
      <div className="intro"><p id="setting-events-hint">One event name per line, e.g. <code>experiment.exposure</code>, <code>checkout.completed</code>.</p></div>
      <div className="grid-2" style={{ borderBottom: '1px solid var(--line)' }}>
        <div className="field">
          <label htmlFor="setting-funnel">Funnel steps, in order</label>
          <textarea id="setting-funnel" value={draft.funnelSteps} onChange={(e) => set('funnelSteps', e.target.value)} aria-describedby="setting-funnel-hint" spellCheck={false} />
        </div>
        <div className="field">
          <p id="setting-funnel-hint" className="hint">Step s counts units that reached steps 1 … s in this order after exposure. Shown when every step occurs in the data; empty for no funnel.</p>
        </div>
      </div>
      <fieldset aria-describedby="setting-windows-hint">
        <legend>Metric windows (days after exposure)</legend>
        <p className="fieldset-hint" id="setting-windows-hint">Count a metric's events only in [t0, t0 + days); empty: until the end of the data.</p>
        <div className="form-grid">
          {WINDOWED_METRICS.map((metric) => (
            <div className="field" key={metric}>
              <label htmlFor={`setting-window-${metric}`}>{metric}</label>
              <input
                id={`setting-window-${metric}`}
                type="number"
                step="1"
                min="0"
                inputMode="decimal"
                placeholder="until end of data"
                value={draft.windows[metric]}
                onChange={(e) => set('windows', { ...draft.windows, [metric]: e.target.value })}
              />
            </div>
          ))}
        </div>
      </fieldset>
      {message && <div className="banner alert" role="alert"><span className="code">{problem ? 'invalid' : error?.code}</span><p>{message}</p><span /></div>}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={saving}>Save settings</button>
        {saved && <span className="saved-note" role="status">Settings saved.</span>}
      </div>
    </form>
  );
}
