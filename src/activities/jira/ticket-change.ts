import { log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { AgentOutput, type ImplementResult, type PlanResult } from '../../domain/agent-task.js';
import type { ChangeRef, RepositoryRef } from '../../domain/change-ref.js';
import type { ClaimRef } from '../../domain/claim-ref.js';
import type { FileChange } from '../../domain/file-change.js';
import type { JiraRepositoryMapping } from '../../domain/jira/ticket-mapping.js';
import { ClaimCheckError } from '../claim-check/claim-check-error.js';
import type { ClaimCheckStore } from '../claim-check/claim-check-store.js';
import { getJson } from '../claim-check/json-claims.js';
import { ForgeError, type ChangeAuthor, type Forge, type RepositoryReader } from '../forge.js';
import type { ForgeRegistry } from '../forge-activities.js';
import { safeTitle } from '../sentry/render-parts.js';
import { renderPlanDescription } from './render-plan.js';
import type { PlanChange, TicketActivities } from './ticket-contracts.js';

// The forge side of the ticket workflow: the draft change that carries a ticket's plan and then its implementation.
// Everything goes through the forge API with the write token (never a git push): branch at a SHA, commits through the
// commit API, a draft change whose description is the plan.

type TicketForge = Forge & ChangeAuthor & Pick<RepositoryReader, 'branchHead' | 'changesFromBranch' | 'readRepositoryFile'>;

export interface TicketChangeDeps {
  forges: ForgeRegistry;
  claims: ClaimCheckStore;
  mappings: readonly JiraRepositoryMapping[];
  /** The forge command trigger (`/claude`), named in the description's approval lines. */
  trigger: string;
  /** JIRA_URL, for the ticket's link in the description. */
  jiraUrl?: string;
}

function ticketForgeOf(deps: TicketChangeDeps, repo: RepositoryRef): TicketForge {
  const forge = deps.forges[repo.forge];
  if (!forge) throw ApplicationFailure.create({ type: 'ERR_UNKNOWN_FORGE', message: `no ${repo.forge} connection is configured`, nonRetryable: true });
  const { createBranch, deleteBranch, commitChanges, openChange, updateDescription, branchHead, changesFromBranch, readRepositoryFile } = forge;
  if (!createBranch || !deleteBranch || !commitChanges || !openChange || !updateDescription || !branchHead || !changesFromBranch || !readRepositoryFile) {
    throw ApplicationFailure.create({ type: 'ERR_FORGE_UNSUPPORTED', message: `the ${repo.forge} connection cannot author changes for tickets`, nonRetryable: true });
  }
  return forge as TicketForge;
}

/** The planner's plan behind `claim`. */
export async function planOf(claims: ClaimCheckStore, claim: ClaimRef): Promise<PlanResult> {
  const output = await getJson(claims, claim, AgentOutput);
  if (output.role !== 'planner') throw new ClaimCheckError('ERR_CLAIM_INVALID', `claim ${claim.key} holds a ${output.role} output, not a plan`);
  return output.plan;
}

/** The implementer's work behind `claim`. */
export async function workOf(claims: ClaimCheckStore, claim: ClaimRef): Promise<ImplementResult> {
  const output = await getJson(claims, claim, AgentOutput);
  if (output.role !== 'implementer') throw new ClaimCheckError('ERR_CLAIM_INVALID', `claim ${claim.key} holds a ${output.role} output, not work`);
  return output.work;
}

/** Whether the files at `sha` are exactly what `changes` make of them (an earlier attempt's commit landed). */
async function carries(forge: TicketForge, repo: RepositoryRef, sha: string, changes: readonly FileChange[]): Promise<boolean> {
  for (const change of changes) {
    const content = await forge.readRepositoryFile(repo, change.path, sha);
    const wanted = change.action === 'delete' ? undefined : Buffer.from(change.contentBase64, 'base64').toString('utf8');
    if (content !== wanted) return false;
  }
  return true;
}

type TicketChangeActivities = Pick<TicketActivities, 'openPlanChange' | 'describeTicketChange' | 'commitTicketWork'>;

/** openPlanChange, describeTicketChange, commitTicketWork (see TicketActivities); their errors are typed by the caller. */
export function createTicketChangeActivities(deps: TicketChangeDeps): TicketChangeActivities {
  const approvePermissionOf = (key: string, repo: RepositoryRef) =>
    deps.mappings.find((mapping) => mapping.jiraProject === key.slice(0, key.lastIndexOf('-')) && mapping.projectPath === repo.projectPath)?.approvePermission;
  const ticketUrl = (key: string) => (deps.jiraUrl ? { ticketUrl: `${deps.jiraUrl.replace(/\/+$/, '')}/browse/${key}` } : {});

  async function description(repo: RepositoryRef, input: { key: string; planClaim: ClaimRef; version: number; workflowId: string; workClaim?: ClaimRef }): Promise<string> {
    const [plan, work] = await Promise.all([planOf(deps.claims, input.planClaim), input.workClaim ? workOf(deps.claims, input.workClaim) : undefined]);
    const approvePermission = approvePermissionOf(input.key, repo);
    return renderPlanDescription({
      key: input.key,
      ...ticketUrl(input.key),
      plan,
      gate: { version: input.version, workflowId: input.workflowId, trigger: deps.trigger, ...(approvePermission ? { approvePermission } : {}) },
      ...(work ? { work } : {}),
    });
  }

  return {
    /**
     * The branch at `baseSha` (an existing one adopted as it is: a retry, or a run after a crash), then the open draft
     * change from it (an existing one adopted, its description brought up to date). GitHub refuses a pull request
     * without commits, so there the branch first gets an empty commit (the base's tree). A branch this attempt made
     * is deleted when a later step fails, so that a retry starts clean.
     */
    async openPlanChange(input): Promise<PlanChange> {
      const { repo, branch } = input;
      const forge = ticketForgeOf(deps, repo);
      const body = await description(repo, input);
      let head = await forge.branchHead(repo, branch);
      const created = head === undefined;
      if (head === undefined) {
        await forge.createBranch(repo, branch, input.baseSha);
        head = input.baseSha;
      }
      try {
        const open = (await forge.changesFromBranch(repo, branch)).find((change) => change.state === 'open');
        if (open) {
          await forge.updateDescription(open.ref, body);
          return { change: { ref: open.ref, webUrl: open.webUrl }, branch, headSha: head };
        }
        if (repo.forge === 'github' && head === input.baseSha) {
          head = (await forge.commitChanges(repo, { branch, parentSha: head, message: `${input.key}: plan version ${input.version} (no changes yet)`, changes: [] })).sha;
        }
        const change = await forge.openChange(repo, {
          sourceBranch: branch,
          targetBranch: input.targetBranch,
          title: safeTitle(input.title, 200),
          description: body,
          draft: true,
          labels: input.labels,
        });
        return { change, branch, headSha: head };
      } catch (error) {
        if (created) {
          await forge.deleteBranch(repo, branch).catch((cleanupError: unknown) => {
            log.warn('could not delete the branch of a failed plan change', { branch, error: String(cleanupError) });
          });
        }
        throw error;
      }
    },

    async describeTicketChange(ref: ChangeRef, input): Promise<void> {
      const forge = ticketForgeOf(deps, ref);
      await forge.updateDescription(ref, await description(ref, input));
    },

    /**
     * The implementer's patch as one commit on `branch` over `parentSha`. A branch already past `parentSha` whose
     * files are the patch's is an earlier attempt's commit (its answer was lost): its head is returned, nothing
     * committed twice. Past it otherwise: ERR_FORGE_CONFLICT (someone pushed).
     */
    async commitTicketWork(input) {
      const work = await workOf(deps.claims, input.workClaim);
      if (work.patch.files.length === 0) throw ApplicationFailure.create({ type: 'ERR_PATCH_EMPTY', message: 'the implementer changed no file', nonRetryable: true });
      const forge = ticketForgeOf(deps, input.repo);
      const head = await forge.branchHead(input.repo, input.branch);
      if (head === undefined) throw new ForgeError('ERR_FORGE_NOT_FOUND', `${input.repo.projectPath} has no branch ${input.branch}`);
      if (head !== input.parentSha) {
        if (await carries(forge, input.repo, head, work.patch.files)) return { sha: head };
        throw new ForgeError('ERR_FORGE_CONFLICT', `branch ${input.branch} is at ${head.slice(0, 12)}, not at ${input.parentSha.slice(0, 12)}, and does not hold the patch`);
      }
      return forge.commitChanges(input.repo, { branch: input.branch, parentSha: input.parentSha, message: input.message, changes: work.patch.files });
    },
  };
}
