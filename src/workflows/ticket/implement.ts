import { isCancellation } from '@temporalio/workflow';
import type { StoredAgentRun } from '../../activities/agent-digest.js';
import type { ClaimRef } from '../../domain/claim-ref.js';
import type { RepoSettings } from '../../domain/review-settings.js';
import { failureReason } from '../failure-reason.js';
import { failureType } from '../sentry-fix/failure-type.js';
import { repository } from './activities.js';
import { runImplementer, type WorkBrief } from './agents.js';
import { addUsage, type ApprovedPlan, type TicketRun } from './run.js';
import { checkWork } from './work-checks.js';

export type Implemented =
  | { ok: true; work: StoredAgentRun<'implementer'> }
  | { ok: false; reason: string; outsidePlan?: string[]; workClaim?: ClaimRef };

/** The repository's settings, its scope limits tightened (never widened) by the mapping's. */
function workSettings(run: TicketRun, settings: RepoSettings): RepoSettings {
  const { changes } = settings;
  return { ...settings, changes: { ...changes, max_files: Math.min(changes.max_files, run.mapping.maxFiles), max_lines: Math.min(changes.max_lines, run.mapping.maxLines) } };
}

/**
 * One implementation step on the plan's branch at `head` (the approved plan, or a person's revision of the change),
 * then its checks (checkWork): in the plan's files, within the limits, a changed test file, the declared commands
 * passed. Anything else is not pushed, and says why.
 */
export async function implement(run: TicketRun, plan: ApprovedPlan, head: string, brief: WorkBrief): Promise<Implemented> {
  const { mapping } = run;
  const parsed = await repository.readRepositorySettings(run.repo, head);
  const mustPass = [mapping.testCommand, ...(mapping.lintCommand ? [mapping.lintCommand] : []), ...(mapping.coverageCommand ? [mapping.coverageCommand] : [])];
  const undeclared = mustPass.filter((name) => parsed.settings.commands[name] === undefined);
  if (undeclared.length > 0) return { ok: false, reason: `.forgebot.yml on ${run.traces.branch ?? 'the branch'} declares no ${undeclared.map((name) => `\`${name}\``).join(', ')} command` };
  const settings = workSettings(run, parsed.settings);
  run.setPhase('implementing', `implementing plan v${plan.version} of ${run.key}${brief.kind === 'revision' ? ' (a revision)' : ''}`);
  let stored: StoredAgentRun<'implementer'>;
  try {
    stored = await runImplementer(run, head, settings, brief);
  } catch (error) {
    if (!isCancellation(error) && failureType(error) === 'ERR_PATCH_SCOPE') return { ok: false, reason: `the implementation went past the scope limits: ${failureReason(error)}` };
    throw error;
  }
  const { claim, digest } = stored;
  addUsage(run.status, digest);
  const linesChanged = digest.linesAdded + digest.linesDeleted;
  const verdict = checkWork(digest, { planFiles: plan.files, maxFiles: settings.changes.max_files, maxLines: settings.changes.max_lines, mustPass });
  run.status.implementation = { claim, filesChanged: digest.filesChanged, linesChanged, paths: digest.paths ?? [], tests: verdict.ok ? verdict.tests : `not pushed: ${verdict.reason}` };
  if (!verdict.ok) return { ok: false, reason: verdict.reason, workClaim: claim, ...(verdict.outsidePlan ? { outsidePlan: verdict.outsidePlan } : {}) };
  return { ok: true, work: stored };
}
