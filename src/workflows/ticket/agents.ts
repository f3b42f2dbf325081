import type { StoredAgentRun } from '../../activities/agent-digest.js';
import type { ClaimRef } from '../../domain/claim-ref.js';
import type { RepoSettings } from '../../domain/review-settings.js';
import { agentActivities, runSettingsActivities } from '../shared/activity-proxies.js';
import type { TicketRun } from './run.js';

// forgebot's own words to the agents (trusted). The ticket's text, people's answers and the plan (model output)
// reach them only as fenced context.
const PLAN = [
  'Plan the implementation of the Jira ticket whose requirements follow, in this repository: read the code first.',
  'List every file the implementation will add, change or delete (it may touch no other), the steps, the tests to add or change, the risks, and its size.',
  'If the ticket is too vague to plan, ask its people a few precise questions instead of guessing.',
].join(' ');
const IMPLEMENT = [
  'Implement the plan that follows, which a person approved, in this repository.',
  'Change only the files the plan lists: a file outside it stops the work and needs a new plan and a new approval.',
  'New behaviour comes with tests: add or change the test files the plan names, and run the declared commands until they pass.',
  'Do not weaken or delete existing tests.',
].join(' ');
const REVISE = [
  'A person reviewing this change asked for the revision that follows; the change is checked out.',
  'Make it, staying within the files of the approved plan listed with it, keep the tests passing, and add tests for new behaviour.',
].join(' ');

/** The agents on the agent task queue, with this run's settings (read now: a changed configuration reaches a waiting run). */
async function agents() {
  const settings = await runSettingsActivities.readRunSettings();
  const { agentTaskQueue, agentTimeoutMs, agentHeartbeatTimeoutMs } = settings;
  return { activities: agentActivities({ agentTaskQueue, agentTimeoutMs, ...(agentHeartbeatTimeoutMs !== undefined ? { agentHeartbeatTimeoutMs } : {}) }), timeoutMs: agentTimeoutMs };
}

/** The planner on the default branch's head, the ticket's requirements as its context; a revision's plan and feedback. */
export async function runPlanner(run: TicketRun, revision?: { version: number; previousPlanClaim: ClaimRef; feedback: string }): Promise<StoredAgentRun<'planner'>> {
  const { mapping, input } = run;
  const { activities, timeoutMs } = await agents();
  const stored = await activities.runAgent({
    assignment: {
      role: 'planner',
      subject: input.subject,
      forge: mapping.forge,
      repositoryPath: mapping.projectPath,
      repository: { cloneUrl: run.cloneUrl, baseSha: run.baseSha, headSha: run.baseSha },
      goal: { title: `Plan ${run.key}`, instructions: `${PLAN} Stay within ${mapping.maxFiles} files and ${mapping.maxLines} changed lines.`, context: '' },
      contextClaim: run.requirementsClaim,
      ...(revision ? { revision: { ...revision, feedback: revision.feedback.slice(0, 20_000) } } : {}),
      scope: { maxFiles: mapping.maxFiles, maxLines: mapping.maxLines },
    },
    timeoutMs,
  });
  if (stored.digest.role !== 'planner') throw new Error(`the plan answered as ${stored.digest.role}`);
  return stored as StoredAgentRun<'planner'>;
}

/** What the implementer works from: the approved plan (its stored output), or a person's revision on the change. */
export type WorkBrief = { kind: 'plan'; planClaim: ClaimRef } | { kind: 'revision'; files: string[]; request: string };

/** The implementer on the plan's branch at `head`, with the repository's settings tightened to the mapping's limits. */
export async function runImplementer(run: TicketRun, head: string, settings: RepoSettings, brief: WorkBrief): Promise<StoredAgentRun<'implementer'>> {
  const { mapping, input } = run;
  const { activities, timeoutMs } = await agents();
  const commands = [mapping.testCommand, ...(mapping.lintCommand ? [mapping.lintCommand] : []), ...(mapping.coverageCommand ? [mapping.coverageCommand] : [])];
  const must = `Run ${commands.map((name) => `\`${name}\``).join(', ')} last: each must pass.`;
  // The implementer's context is a claim or text, not both: a revision carries its request and the plan's files as text.
  const goal =
    brief.kind === 'plan'
      ? { title: `Implement ${run.key}`, instructions: `${IMPLEMENT} ${must}`, context: '' }
      : {
          title: `Revise ${run.key}`,
          instructions: `${REVISE} ${must}`,
          context: ['The files of the approved plan:', ...brief.files.map((path) => `- ${path}`), '', 'The revision asked for:', brief.request].join('\n').slice(0, 100_000),
        };
  const stored = await activities.runAgent({
    assignment: {
      role: 'implementer',
      subject: input.subject,
      forge: mapping.forge,
      repositoryPath: mapping.projectPath,
      repository: { cloneUrl: run.cloneUrl, baseSha: head, headSha: head },
      goal,
      settings,
      ...(brief.kind === 'plan' ? { contextClaim: brief.planClaim } : {}),
    },
    timeoutMs,
  });
  if (stored.digest.role !== 'implementer') throw new Error(`the implementation answered as ${stored.digest.role}`);
  return stored as StoredAgentRun<'implementer'>;
}
