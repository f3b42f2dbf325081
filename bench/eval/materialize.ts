import { TestRepo } from '../../test/helpers/git-repo.js';
import type { EvalCase } from './case-schema.js';

export interface CaseRepo {
  repo: TestRepo;
  baseSha: string;
  headSha: string;
}

/** The case as a real git repository: `main` holds the base commit, `mr` the merge request's head commit on top. */
export async function materializeCase(evalCase: EvalCase): Promise<CaseRepo> {
  const repo = await TestRepo.create(evalCase.base);
  try {
    const baseSha = await repo.git('rev-parse', 'HEAD');
    await repo.branch('mr');
    const headSha = await repo.commit(evalCase.head, evalCase.title);
    await repo.checkout('main');
    return { repo, baseSha, headSha };
  } catch (error) {
    await repo.remove();
    throw error;
  }
}
