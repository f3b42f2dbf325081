import { ApplicationFailure } from '@temporalio/common';
import type { ChangeContributors } from '../domain/change-contributors.js';
import type { ChangeRef } from '../domain/change-ref.js';
import { withTypedFailures } from './failures.js';
import type { ForgeRegistry } from './forge-activities.js';

/** Who worked on a change, for the merge gates that need its approvers to be other people. */
export function createContributorActivities(deps: { forges: ForgeRegistry }) {
  return {
    /** The change's opener and commit authors/committers, forgebot excluded (at most MAX_CONTRIBUTORS; emails lower-cased). */
    async changeContributors(ref: ChangeRef): Promise<ChangeContributors> {
      return withTypedFailures(async () => {
        const forge = deps.forges[ref.forge];
        if (!forge) throw ApplicationFailure.create({ type: 'ERR_UNKNOWN_FORGE', message: `no ${ref.forge} connection is configured`, nonRetryable: true });
        if (!forge.changeContributors) throw ApplicationFailure.create({ type: 'ERR_FORGE_UNSUPPORTED', message: `the ${ref.forge} connection cannot read who worked on a change`, nonRetryable: true });
        return forge.changeContributors(ref);
      });
    },
  };
}

export type ContributorActivities = ReturnType<typeof createContributorActivities>;
