import { isCancellation } from '@temporalio/workflow';
import type { StoredAgentRun } from '../../activities/agent-digest.js';
import type { CheckoutSpec } from '../../domain/agent-task.js';
import type { RepoSettings } from '../../domain/review-settings.js';
import { failureReason } from '../failure-reason.js';
import { agentActivities } from '../shared/activity-proxies.js';
import { failureType } from './failure-type.js';
import type { Gated } from './gates.js';
import { addUsage, recordGate, type Ending, type FixRun } from './run.js';

// forgebot's own words to the agents (trusted). The error's evidence, and the analysis the fixer starts from, reach
// them only as fenced context (claims).
const ANALYSE = [
  'Find the root cause of the production error whose evidence follows (recorded by the error tracker), in this repository.',
  'Say whether a small, local code change here fixes it, and how sure you are.',
].join(' ');
const FIX = [
  'Fix the production error whose evidence follows (recorded by the error tracker) with the smallest change that removes its cause.',
  'First add a test that reproduces the error, and name its file(s) in test_paths: forgebot runs the declared test command with only',
  'those files applied (it must fail), then with your whole change (it must pass). Do not weaken or delete existing tests.',
  'An earlier analysis of the error follows the evidence: use it, but check it against the code.',
].join(' ');

function checkout(gated: Gated): CheckoutSpec {
  return { cloneUrl: gated.located.cloneUrl, baseSha: gated.located.headSha, headSha: gated.located.headSha };
}

function agentsOf(run: FixRun) {
  const { agentTaskQueue, agentTimeoutMs, agentHeartbeatTimeoutMs } = run.settings;
  return agentActivities({ agentTaskQueue, agentTimeoutMs, agentHeartbeatTimeoutMs });
}

/** The analyst's verdict; below the project's confidence (or not fixable) the run ends, and says why on Sentry. */
export async function analyse(run: FixRun, gated: Gated): Promise<StoredAgentRun<'analyst'> | Ending> {
  const { mapping, input, settings } = run;
  const shortId = gated.collected.issue.shortId;
  run.setPhase('analysing', `analysing ${shortId}`);
  const stored = await agentsOf(run).runAgent({
    assignment: {
      role: 'analyst',
      subject: input.subject,
      forge: mapping.forge,
      repositoryPath: mapping.projectPath,
      repository: checkout(gated),
      goal: { title: `Analyse Sentry issue ${shortId}`, instructions: ANALYSE, context: '' },
      contextClaim: gated.collected.renderedClaim,
    },
    timeoutMs: settings.agentTimeoutMs,
  });
  const { digest, claim } = stored;
  if (digest.role !== 'analyst') throw new Error(`the analysis answered as ${digest.role}`);
  addUsage(run.status, digest);
  run.status.analysis = { claim, fixable: digest.fixable, confidence: digest.confidence, reason: digest.reason };
  const confidence = digest.confidence.toFixed(2);
  if (!digest.fixable || digest.confidence < mapping.minConfidence) {
    const detail = digest.fixable
      ? `the analysis's confidence ${confidence} is below the project's ${mapping.minConfidence.toFixed(2)}`
      : `the analysis finds no fix in ${mapping.projectPath} (confidence ${confidence})`;
    recordGate(run, 'confidence', false, detail);
    return { outcome: 'unfixable', detail, report: { kind: 'unfixable', analysisClaim: claim, detail } };
  }
  recordGate(run, 'confidence', true, `fixable, confidence ${confidence}`);
  return { claim, digest };
}

/** The repository's scope limits, tightened (never widened) by the project's. */
function fixSettings(run: FixRun, repoSettings: RepoSettings): RepoSettings {
  const { changes } = repoSettings;
  return { ...repoSettings, changes: { ...changes, max_files: Math.min(changes.max_files, run.mapping.maxFiles), max_lines: Math.min(changes.max_lines, run.mapping.maxLines) } };
}

/**
 * The fix, proven by the runner: the test fails before and passes after, within the scope limits. Anything else ends
 * the run `not-proven`, with the reason on Sentry.
 */
export async function fix(run: FixRun, gated: Gated, analysis: StoredAgentRun<'analyst'>): Promise<StoredAgentRun<'implementer'> | Ending> {
  const { mapping, input, settings } = run;
  const shortId = gated.collected.issue.shortId;
  const repoSettings = fixSettings(run, gated.repoSettings);
  const notProven = (gate: 'test-proof' | 'scope', detail: string, workClaim?: StoredAgentRun['claim']): Ending => {
    recordGate(run, gate, false, detail);
    return { outcome: 'not-proven', detail, report: { kind: 'not-proven', analysisClaim: analysis.claim, ...(workClaim ? { workClaim } : {}), detail } };
  };
  run.setPhase('fixing', `fixing ${shortId} (test: ${mapping.testCommand})`);
  let stored: StoredAgentRun;
  try {
    stored = await agentsOf(run).runAgent({
      assignment: {
        role: 'implementer',
        subject: input.subject,
        forge: mapping.forge,
        repositoryPath: mapping.projectPath,
        repository: checkout(gated),
        goal: { title: `Fix Sentry issue ${shortId}`, instructions: FIX, context: '' },
        settings: repoSettings,
        verify: { testCommand: mapping.testCommand },
        contextClaim: gated.collected.renderedClaim,
        analysisClaim: analysis.claim,
      },
      timeoutMs: settings.agentTimeoutMs,
    });
  } catch (error) {
    if (!isCancellation(error) && failureType(error) === 'ERR_PATCH_SCOPE') return notProven('scope', `the fix went past the scope limits: ${failureReason(error)}`);
    throw error;
  }
  const { digest, claim } = stored;
  if (digest.role !== 'implementer') throw new Error(`the fix answered as ${digest.role}`);
  addUsage(run.status, digest);
  const linesChanged = digest.linesAdded + digest.linesDeleted;
  run.status.fix = { claim, filesChanged: digest.filesChanged, linesChanged, ...(digest.verification ? { verdict: digest.verification.verdict, verdictReason: digest.verification.reason } : {}) };
  const { max_files: maxFiles, max_lines: maxLines } = repoSettings.changes;
  if (digest.filesChanged > maxFiles || linesChanged > maxLines) {
    return notProven('scope', `the fix changes ${digest.filesChanged} file(s) and ${linesChanged} line(s); at most ${maxFiles} and ${maxLines}`, claim);
  }
  recordGate(run, 'scope', true, `${digest.filesChanged} file(s), ${linesChanged} line(s)`);
  const verification = digest.verification;
  if (!verification) return notProven('test-proof', 'the fix came without the runner\'s before/after test run', claim);
  if (verification.verdict !== 'proven') return notProven('test-proof', `${verification.verdict}: ${verification.reason}`, claim);
  recordGate(run, 'test-proof', true, `the test failed before the fix and passed after (${verification.testPaths.join(', ')})`);
  return { claim, digest };
}
