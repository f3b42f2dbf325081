import { CancellationScope, upsertSearchAttributes } from '@temporalio/workflow';
import type { StoredAgentRun } from '../../activities/agent-digest.js';
import type { PublishedWork } from '../../activities/author-activities.js';
import { changeSubject, subjectKey } from '../../domain/subject-ref.js';
import { searchAttributes } from '../definitions.js';
import { reportSafely } from './report.js';
import { author, repository, sentry } from './activities.js';
import { fixBranchPrefix, nextFixBranch } from './branch-names.js';
import type { Gated } from './gates.js';
import { changeLabel, type FixRun } from './run.js';

/**
 * The draft change: its description rendered ahead (behind a claim), one commit on the first free fix branch, the
 * labels of the mapping; then its link on the Sentry issue. The publish itself is never cut short by a cancel (it
 * would leave a branch nobody knows of): a cancel waits for it, and then undoes it.
 */
export async function publishFix(run: FixRun, gated: Gated, analysis: StoredAgentRun<'analyst'>, work: StoredAgentRun<'implementer'>): Promise<PublishedWork> {
  const { repo, mapping, status } = run;
  const issue = gated.collected.issue;
  run.setPhase('publishing', `opening a draft change for ${issue.shortId}`);
  // Read again: the branches may have changed while the agents ran.
  const { branches } = await repository.findFixChanges(repo, fixBranchPrefix(issue.shortId));
  const branch = nextFixBranch(issue.shortId, branches);
  const earlier = status.earlierAttempt ?? run.input.earlierAttempt;
  const { title, descriptionClaim } = await sentry.prepareFixDescription({
    issue,
    analysisClaim: analysis.claim,
    workClaim: work.claim,
    ...(earlier ? { earlierAttempt: { webUrl: earlier.webUrl } } : {}),
  });
  const published = await CancellationScope.nonCancellable(() =>
    author.publishWork({
      repo,
      claim: work.claim,
      branch,
      baseSha: gated.located.headSha,
      targetBranch: mapping.defaultBranch,
      title,
      intro: `forgebot's fix for Sentry issue ${issue.shortId}.`,
      descriptionClaim,
      labels: mapping.labels,
    }),
  );
  run.traces.branch = published.branch;
  run.traces.change = { ref: published.change.ref, webUrl: published.change.webUrl };
  status.change = { ref: published.change.ref, webUrl: published.change.webUrl, branch: published.branch };
  // ForgebotOwnedChange: a `/claude approve` on this change finds this workflow, whose gate it is.
  upsertSearchAttributes([
    { key: searchAttributes.changeNumber, value: published.change.ref.number },
    { key: searchAttributes.ownedChange, value: subjectKey(changeSubject(published.change.ref)) },
  ]);
  await reportSafely(run, { kind: 'change-opened', webUrl: published.change.webUrl, changeLabel: changeLabel(published.change.ref), analysisClaim: analysis.claim });
  return published;
}
