import { ApplicationFailure } from '@temporalio/common';
import type { RepositoryRef } from '../domain/change-ref.js';
import { parseRepoSettings, REPO_SETTINGS_PATH } from '../domain/review-settings.js';
import { withTypedFailures } from './failures.js';
import { ForgeError, type BranchChange, type ChangeAuthor, type Forge, type RepositoryReader } from './forge.js';
import type { ForgeRegistry } from './forge-activities.js';
import type { FixChangeLookup, RepositoryActivities } from './sentry/contracts.js';

/** locateFiles checks at most this many paths (a stack trace's in-app frames; more would only cost API calls). */
export const MAX_LOCATED_PATHS = 50;
/** Requests in flight at once for one activity: the forge's rate limit is shared with every other workflow. */
const PARALLEL_READS = 8;

type RepositoryForge = Forge & RepositoryReader & Pick<ChangeAuthor, 'pipelineStatus'>;

function repositoryReaderOf(forge: Forge, repo: RepositoryRef): RepositoryForge {
  const { branchHead, readRepositoryFile, cloneUrl, changesFromBranch, branchesWithPrefix, postNote, pipelineStatus } = forge;
  if (!branchHead || !readRepositoryFile || !cloneUrl || !changesFromBranch || !branchesWithPrefix || !postNote || !pipelineStatus) {
    throw ApplicationFailure.create({ type: 'ERR_FORGE_UNSUPPORTED', message: `the ${repo.forge} connection cannot read repositories`, nonRetryable: true });
  }
  return forge as RepositoryForge;
}

/** `work` over `items`, at most PARALLEL_READS at a time, results in the order of `items`. */
async function inBatches<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += PARALLEL_READS) {
    results.push(...(await Promise.all(items.slice(start, start + PARALLEL_READS).map(work))));
  }
  return results;
}

const summary = ({ ref, webUrl, branch }: BranchChange) => ({ ref, webUrl, branch });

/** Newest first: by merge time (when the forge says it), then by number (numbers only grow). */
function newestFirst(a: BranchChange, b: BranchChange): number {
  const byMerge = (b.mergedAt ?? '').localeCompare(a.mergedAt ?? '');
  return byMerge !== 0 ? byMerge : b.ref.number - a.ref.number;
}

/**
 * Repository-level forge reads and notes for the sentry-fix workflow (RepositoryActivities in sentry/contracts.ts).
 * Forge failures become typed activity failures, as in forge-activities.ts.
 */
export function createRepositoryActivities(deps: { forges: ForgeRegistry }) {
  function forgeFor(repo: RepositoryRef): RepositoryForge {
    const forge = deps.forges[repo.forge];
    if (!forge) throw ApplicationFailure.create({ type: 'ERR_UNKNOWN_FORGE', message: `no ${repo.forge} connection is configured`, nonRetryable: true });
    return repositoryReaderOf(forge, repo);
  }

  return {
    /** A branch that does not exist is ERR_FORGE_NOT_FOUND: there is no head to locate files at. */
    async locateFiles(repo, branch, paths) {
      return withTypedFailures(async () => {
        const forge = forgeFor(repo);
        const headSha = await forge.branchHead(repo, branch);
        if (headSha === undefined) throw new ForgeError('ERR_FORGE_NOT_FOUND', `${repo.projectPath} has no branch ${branch}`);
        const checked = [...new Set(paths.filter((path) => path !== ''))].slice(0, MAX_LOCATED_PATHS);
        const [cloneUrl, found] = await Promise.all([
          forge.cloneUrl(repo),
          inBatches(checked, async (path) => ((await forge.readRepositoryFile(repo, path, headSha)) === undefined ? undefined : path)),
        ]);
        return { headSha, existing: found.filter((path) => path !== undefined), cloneUrl };
      });
    },

    /**
     * Changes from `branchPrefix` and its numbered successors (`…-2`, `…-3`). The prefix itself is asked about even
     * when no branch has that name any more: a merged change's source branch is often deleted, and a regression must
     * still find it.
     */
    async findFixChanges(repo, branchPrefix) {
      return withTypedFailures(async () => {
        const forge = forgeFor(repo);
        // `forgebot/sentry-IPE-1` also prefixes IPE-12's names: only the name itself and its numbered successors count.
        const successor = /^-[1-9]\d*$/;
        const branches = (await forge.branchesWithPrefix(repo, branchPrefix)).filter((branch) => branch === branchPrefix || successor.test(branch.slice(branchPrefix.length)));
        const asked = [...new Set([branchPrefix, ...branches])];
        const lists = await inBatches(asked, (branch) => forge.changesFromBranch(repo, branch));
        const changes = [...new Map(lists.flat().map((change) => [change.ref.number, change])).values()].sort(newestFirst);
        const open = changes.find((change) => change.state === 'open');
        const merged = changes.find((change) => change.state === 'merged');
        // A name is taken while its branch exists, and also when a change came from it (a merged fix's deleted branch).
        const taken = [...new Set([...branches, ...changes.map((change) => change.branch).filter((branch) => asked.includes(branch))])].sort();
        return { ...(open ? { open: summary(open) } : {}), ...(merged ? { merged: summary(merged) } : {}), branches: taken } satisfies FixChangeLookup;
      });
    },

    async readRepositorySettings(repo, sha) {
      return withTypedFailures(async () => parseRepoSettings(await forgeFor(repo).readRepositoryFile(repo, REPO_SETTINGS_PATH, sha)));
    },

    async readPipeline(repo, sha) {
      return withTypedFailures(() => forgeFor(repo).pipelineStatus(repo, sha));
    },

    async postChangeNote(ref, body) {
      return withTypedFailures(() => forgeFor(ref).postNote(ref, body));
    },
  } satisfies RepositoryActivities;
}
