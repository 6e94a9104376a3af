/**
 * Event-log metrics of docs/analysis-definitions.md as set-based SQL: the per-unit values (computed once per state of
 * the data, `unit-metrics-build.ts`, kept current by `analysis-context.ts`), then one GROUP BY per (experiment, variant) over the units
 * the filters select that returns sufficient statistics — n, Σy, Σy², and Σx, Σx², Σxy of the
 * CUPED pre-period covariate. Definitions: docs/analysis-definitions.md.
 */
import type { CovariateMoments, RatioMoments } from '../../stats/index.ts';
import { toNumber, type Database } from '../database.ts';
import type { AnalysisSettings } from '../../contract/settings.ts';
import type { ExperimentFrame, MetricFrame } from './experiment-frame.ts';
import { analysisContext, type AnalysisContext } from './analysis-context.ts';
import { RETENTION_DAYS } from './mean-metrics.ts';
import { unitSums } from './unit-sums.ts';

export { RETENTION_DAYS };

type Sums = Record<string, unknown>;

/**
 * Per-experiment frames for every experiment of the event log, with sufficient statistics of all
 * default metrics per variant over the units the filters of `settings` select. `context`: the
 * request's analysis context for `settings` (`analysis-context.ts`), opened here when absent.
 */
export async function eventLogFrames(
  db: Database, settings: AnalysisSettings, experimentId: string | null = null, context?: AnalysisContext,
): Promise<ExperimentFrame[]> {
  const cache = context ?? await analysisContext(db, settings);
  const source = await unitSums(cache, experimentId);
  const columns = [...cache.metrics.flatMap((m) => ['n', 'sum', 'sum2', 'x', 'x2', 'xy'].map((suffix) => `${m.column}__${suffix}`)), 'aov__numden'];
  const arms = await db.query<Sums>(`
    SELECT experiment_id, variant_id, ${columns.map((c) => `sum(${c}) AS ${c}`).join(', ')}
    FROM ${source.sql} GROUP BY experiment_id, variant_id ORDER BY experiment_id, variant_id`, source.params);
  const experiments = [...cache.experiments.entries()]
    .filter(([id]) => experimentId === null || id === experimentId)
    .map(([id, totals]) => ({ id, ...totals }));

  return experiments.map((experiment) => {
    const id = experiment.id;
    const rows = arms.filter((row) => row.experiment_id === id);
    const metrics: MetricFrame[] = [];
    for (const definition of cache.metrics) {
      const moments = rows.map((row) => ({ variant: String(row.variant_id), moments: covariateMoments(row, definition.column) }));
      metrics.push({
        input: { name: definition.name, type: definition.type, arms: moments, covariate: true },
        covariateRequested: true,
        eligibleUnits: moments.reduce((total, arm) => total + arm.moments.n, 0),
        retentionDay: definition.retentionDay,
        funnelStep: definition.funnelStep,
      });
      if (definition.name === 'orders_per_user') {
        const ratioArms = rows.map((row) => ({ variant: String(row.variant_id), moments: ratioMoments(row) }));
        metrics.push({
          input: { name: 'aov', type: 'ratio', arms: ratioArms, covariate: false },
          covariateRequested: false,
          eligibleUnits: ratioArms.reduce((total, arm) => total + arm.moments.n, 0),
          retentionDay: null,
          funnelStep: null,
        });
      }
    }
    const markedControls = cache.markedControls.get(id) ?? new Set<string>();
    return {
      experimentId: id,
      source: 'events' as const,
      arms: rows.map((row) => ({
        variant: String(row.variant_id), units: toNumber(row.conversion__n)!, markedControl: markedControls.has(String(row.variant_id)),
      })),
      mappedControl: null,
      multipleExposures: experiment.multipleExposures,
      totalUnits: experiment.totalUnits,
      firstExposure: experiment.firstExposure,
      dataEnd: cache.dataEnd,
      lateEvents: cache.lateEvents,
      metrics,
    };
  });
}

function covariateMoments(row: Sums, name: string): CovariateMoments {
  const get = (suffix: string): number => toNumber(row[`${name}__${suffix}`]) ?? 0;
  return { n: get('n'), sum: get('sum'), sumSquares: get('sum2'), sumX: get('x'), sumX2: get('x2'), sumXY: get('xy') };
}

function ratioMoments(row: Sums): RatioMoments {
  const get = (key: string): number => toNumber(row[key]) ?? 0;
  return {
    n: get('revenue_per_user__n'),
    sumNum: get('revenue_per_user__sum'),
    sumNum2: get('revenue_per_user__sum2'),
    sumDen: get('orders_per_user__sum'),
    sumDen2: get('orders_per_user__sum2'),
    sumNumDen: get('aov__numden'),
  };
}
