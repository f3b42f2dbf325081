import { upsertSearchAttributes } from '@temporalio/workflow';
import type { CollectedEvidence, FixChangeLookup, LocatedFiles } from '../../activities/sentry/contracts.js';
import type { RepoSettings } from '../../domain/review-settings.js';
import { inAppFrames, primaryException } from '../../domain/sentry/evidence.js';
import { allowedErrorTypes } from '../../domain/sentry/project-mapping.js';
import { sentrySearchAttributes } from '../sentry-fix-definitions.js';
import { attempts, repository, sentry } from './activities.js';
import { fixBranchPrefix, isFixBranchOf } from './branch-names.js';
import { gated, recordGate, type Ending, type FixRun } from './run.js';

/** What the gates found out, and the analysis and the fix start from. */
export interface Gated {
  collected: CollectedEvidence;
  located: LocatedFiles;
  repoSettings: RepoSettings;
}

/** At most this many paths go to locateFiles (its own bound). */
const MAX_LOCATED = 50;

function list(values: readonly string[], max = 8): string {
  return values.length <= max ? values.join(', ') : `${values.slice(0, max).join(', ')} and ${values.length - max} more`;
}

function errorTypeGate(run: FixRun, type: string | undefined): Ending | undefined {
  const allowed = allowedErrorTypes(run.mapping);
  if (type === undefined) return gated(run, 'error-type', 'the event has no exception type (a captured message): nothing to fix in code');
  if (!allowed.includes(type)) return gated(run, 'error-type', `${type} is not in the project's error-type allowlist (${list(allowed)})`);
  return undefined;
}

/** The in-app frames' repository paths, innermost first, without repeats. */
function framePaths(collected: CollectedEvidence): { inApp: number; paths: string[] } {
  const frames = inAppFrames(collected.evidence);
  const paths = [...new Set(frames.flatMap((frame) => (frame.repositoryPath ? [frame.repositoryPath] : [])))];
  return { inApp: frames.length, paths };
}

/** The repository facts: the frames' files exist at the default branch, no fix change is open, the test command is declared. */
async function repositoryGates(run: FixRun, collected: CollectedEvidence): Promise<Ending | { located: LocatedFiles; repoSettings: RepoSettings }> {
  const { mapping, repo, status } = run;
  const { inApp, paths } = framePaths(collected);
  if (paths.length === 0) {
    return gated(run, 'in-app-frame', inApp === 0 ? 'the event has no in-app frame' : `none of its ${inApp} in-app frames maps to a path in ${mapping.projectPath} (see the mapping's pathRewrites and sourceRoot)`);
  }
  recordGate(run, 'in-app-frame', true, `${paths.length} in-app frame file(s) map to the repository`);
  const located = await repository.locateFiles(repo, mapping.defaultBranch, paths.slice(0, MAX_LOCATED));
  if (located.existing.length === 0) return gated(run, 'frame-in-repository', `none of ${list(paths, 3)} exists at ${mapping.defaultBranch} (${located.headSha.slice(0, 12)})`);
  recordGate(run, 'frame-in-repository', true, `${list(located.existing, 3)} at ${mapping.defaultBranch}`);

  const issue = collected.issue;
  if (issue.count < mapping.minEvents) return gated(run, 'event-count', `${issue.count} event(s) so far; the project asks for at least ${mapping.minEvents}`);
  recordGate(run, 'event-count', true, `${issue.count} event(s)`);
  if (issue.userCount < mapping.minUsers) return gated(run, 'user-count', `${issue.userCount} affected user(s); the project asks for at least ${mapping.minUsers}`);
  recordGate(run, 'user-count', true, `${issue.userCount} affected user(s)`);

  const lookup: FixChangeLookup = await repository.findFixChanges(repo, fixBranchPrefix(issue.shortId));
  // The prefix `forgebot/sentry-IPE-1` also matches IPE-12's branches: only this issue's own count.
  const open = lookup.open && isFixBranchOf(issue.shortId, lookup.open.branch) ? lookup.open : undefined;
  if (open) return gated(run, 'open-fix-change', `a fix change for ${issue.shortId} is open already: ${open.webUrl}`);
  const merged = lookup.merged && isFixBranchOf(issue.shortId, lookup.merged.branch) ? lookup.merged : undefined;
  if (merged && !status.earlierAttempt) status.earlierAttempt = { webUrl: merged.webUrl, outcome: 'merged' };
  recordGate(run, 'open-fix-change', true, merged ? `no open fix change; an earlier one was merged (${merged.webUrl})` : 'no open fix change');

  const parsed = await repository.readRepositorySettings(repo, located.headSha);
  if (parsed.settings.commands[mapping.testCommand] === undefined) {
    const problems = parsed.problems.length > 0 ? ` (its problems: ${list(parsed.problems, 3)})` : '';
    return gated(run, 'test-command', `.forgebot.yml at ${mapping.defaultBranch} declares no \`${mapping.testCommand}\` command to prove a fix with${problems}`);
  }
  recordGate(run, 'test-command', true, `\`${mapping.testCommand}\` is declared`);
  return { located, repoSettings: parsed.settings };
}

/** The daily cap of attempts that reach the model; a passing attempt is marked (ForgebotAttemptDay) so later ones count it. */
async function dailyCap(run: FixRun): Promise<Ending | undefined> {
  const { mapping } = run;
  const today = await attempts.countFixAttemptsToday(mapping.projectPath);
  if (today >= mapping.dailyAttempts) return gated(run, 'daily-cap', `${today} fix attempt(s) for ${mapping.projectPath} today; the cap is ${mapping.dailyAttempts} a day (UTC)`);
  recordGate(run, 'daily-cap', true, `attempt ${today + 1} of ${mapping.dailyAttempts} today`);
  upsertSearchAttributes([{ key: sentrySearchAttributes.attemptDay, value: new Date().toISOString().slice(0, 10) }]);
  return undefined;
}

/**
 * Every check before a model call, in order (the cheap ones first): error type, evidence, in-app frames in the
 * repository, event and user counts, no open fix change, the test command, the daily cap. The first that fails ends
 * the run (`gated`); each is recorded in the status.
 */
export async function passGates(run: FixRun): Promise<Gated | Ending> {
  const { trigger, input, mapping } = run;
  // The trigger's own metadata already rules some out, without a call to Sentry.
  if (trigger.issue.errorType !== undefined) {
    const early = errorTypeGate(run, trigger.issue.errorType);
    if (early) return early;
  }
  run.setPhase('collecting', 'reading the latest event from Sentry');
  const collected = await sentry.fetchSentryEvidence({ org: input.subject.org, issueId: input.subject.issueId, mapping });
  run.status.issue = collected.issue;
  const type = primaryException(collected.evidence)?.type ?? collected.issue.errorType;
  const wrongType = errorTypeGate(run, type);
  if (wrongType) return wrongType;
  recordGate(run, 'error-type', true, `${type ?? ''} is allowlisted`);

  run.setPhase('gating', `checking ${mapping.projectPath}`);
  const found = await repositoryGates(run, collected);
  if ('outcome' in found) return found;
  const capped = await dailyCap(run);
  if (capped) return capped;
  return { collected, ...found };
}
