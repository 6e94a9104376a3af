/**
 * The metric frames of an analysis with each experiment's definition applied to the SQL
 * (docs/experiment-definition.md, "How the analysis uses it"): unit tables combine repeated rows
 * and take covariates as declared; an experiment that declares its own windows or filters is
 * read again with them.
 */
import type { AnalysisSettings } from '../../contract/settings.ts';
import type { Database } from '../database.ts';
import type { AnalysisContext } from '../metrics/analysis-context.ts';
import type { ExperimentFrame } from '../metrics/experiment-frame.ts';
import { eventLogFrames } from '../metrics/event-log-metrics.ts';
import { unitTableFrames } from '../metrics/unit-table-metrics.ts';
import { changesFrames, settingsForDefinition, unitTablePlan, type DefinedExperiment } from './apply-definition.ts';

/**
 * Frames of every experiment (or only `experimentId`), in the order event logs then unit tables.
 * @throws RepeatedUnitsRefusedError when a unit-table definition says `refuse` and a unit repeats.
 */
export async function definedFrames(
  db: Database, settings: AnalysisSettings, experimentId: string | null, definitions: ReadonlyMap<string, DefinedExperiment>,
  context?: AnalysisContext,
): Promise<ExperimentFrame[]> {
  const plan = unitTablePlan(definitions);
  // `context` is the request's for `settings`; an experiment's own settings open their own.
  const read = async (s: AnalysisSettings, id: string | null): Promise<ExperimentFrame[]> =>
    [...(await eventLogFrames(db, s, id, s === settings ? context : undefined)), ...(await unitTableFrames(db, s, id, plan))];
  const frames = await read(settings, experimentId);
  const own = [...definitions.values()]
    .filter((d) => changesFrames(d.definition) && (experimentId === null || d.definition.experimentId === experimentId));
  if (own.length === 0) return frames;
  const replaced = new Map<string, ExperimentFrame>();
  for (const d of own) {
    const id = d.definition.experimentId;
    const frame = (await read(settingsForDefinition(settings, d.definition), id)).find((f) => f.experimentId === id);
    if (frame) replaced.set(id, frame);
  }
  return frames.map((frame) => replaced.get(frame.experimentId) ?? frame);
}
