import type { SentryFixRunSettings, SentryReport } from '../../activities/sentry/contracts.js';
import type { ChangeRef, RepositoryRef } from '../../domain/change-ref.js';
import type { SentryTrigger } from '../../domain/sentry/issue.js';
import type { SentryProjectMapping } from '../../domain/sentry/project-mapping.js';
import type { SentryFixInput, SentryFixOutcome, SentryFixPhase, SentryFixStatus, SentryGateName } from '../sentry-fix-definitions.js';

/** What this run left outside (a branch, a change): undone when the run fails, is cancelled, rejected or expires. */
export interface Traces {
  branch?: string;
  change?: { ref: ChangeRef; webUrl: string };
}

/** One attempt's shared state: what every step reads, and the status it reports to. */
export interface FixRun {
  input: SentryFixInput;
  status: SentryFixStatus;
  trigger: SentryTrigger;
  settings: SentryFixRunSettings;
  mapping: SentryProjectMapping;
  repo: RepositoryRef;
  setPhase(phase: SentryFixPhase, details: string): void;
  traces: Traces;
}

/** How an attempt ends, and what forgebot says on the Sentry issue about it. */
export interface Ending {
  outcome: SentryFixOutcome;
  detail: string;
  report?: SentryReport;
}

export function isEnding(value: object): value is Ending {
  return 'outcome' in value;
}

/** Records a check in the status (each is named there and, when it stops the run, on Sentry). */
export function recordGate(run: Pick<FixRun, 'status'>, gate: SentryGateName, passed: boolean, detail: string): void {
  run.status.gates.push({ gate, passed, detail });
}

/** A check that stops the run before any model call: recorded, and said on the Sentry issue. */
export function gated(run: Pick<FixRun, 'status'>, gate: SentryGateName, detail: string): Ending {
  recordGate(run, gate, false, detail);
  return { outcome: 'gated', detail: `${gate}: ${detail}`, report: { kind: 'gated', gate, detail, dryRun: run.status.dryRun } };
}

export { addUsage } from '../shared/add-usage.js';

export { changeLabel } from '../shared/undo-change.js';
