import { Counter } from 'prom-client';
import { FindingOutcome } from '../../domain/review-memory.js';
import { SpecialistName } from '../../domain/specialist-name.js';
import { workerRegistry } from './forgebot-metrics.js';

/**
 * Finding outcomes recorded on merge or close, by specialist and outcome: 9 × 5 series. No repository label: the
 * configured set times these would multiply the series for what `forgebot memory stats --repository` already answers
 * from PostgreSQL; the metric is for the fleet-wide acceptance rate per specialist and its trend.
 */
const findingOutcomes = new Counter({
  name: 'forgebot_finding_outcomes_total',
  help: 'Outcomes of posted findings when their change was merged or closed (fixed, resolved, wont-fix, false-positive, ignored), one per specialist that raised the finding. Acceptance rate: (fixed + resolved) / all.',
  labelNames: ['specialist', 'outcome'],
  registers: [workerRegistry],
});
for (const specialist of SpecialistName.options) for (const outcome of FindingOutcome.options) findingOutcomes.inc({ specialist, outcome }, 0);

/** Counts outcomes newly written (a retried activity's rows are not written again, so not counted again). */
export function countFindingOutcomes(rows: ReadonlyArray<{ specialist: SpecialistName; outcome: FindingOutcome }>): void {
  for (const row of rows) findingOutcomes.inc({ specialist: row.specialist, outcome: row.outcome });
}
