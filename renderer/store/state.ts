/**
 * The whole renderer state: one zustand store made of typed slices (zustand's slices pattern).
 * Each slice owns one key, holds data only, and is changed by the module-level actions in
 * `actions/` — components select narrow fields and call actions; they never call the host.
 */
import type { ExperimentSlice } from './slices/experiment.ts';
import type { ExperimentsSlice } from './slices/experiments.ts';
import type { ImportSlice } from './slices/import.ts';
import type { NavigationSlice } from './slices/navigation.ts';
import type { ReportSlice } from './slices/report.ts';
import type { SettingsSlice } from './slices/settings.ts';
import type { ApiSettingsSlice } from './slices/api-settings.ts';
import type { ChangeSetsSlice } from './slices/changesets.ts';
import type { DecisionSlice } from './slices/decision.ts';
import type { OutboxSlice } from './slices/outbox.ts';

export type DeskState = NavigationSlice & ImportSlice & ExperimentsSlice & ExperimentSlice & SettingsSlice & ReportSlice
  & ChangeSetsSlice & OutboxSlice & DecisionSlice & ApiSettingsSlice;
