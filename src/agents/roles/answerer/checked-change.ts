import type { Logger } from 'pino';
import type { CheckedSuggestion } from '../../../domain/agent-task.js';
import { redactSecrets } from '../../../domain/redact.js';
import { normalizedPatch, patchProblem } from './check-patch.js';
import { checkSuggestion } from './check-suggestion.js';
import type { SubmittedAnswer } from './role.js';

/** The suggested change that passed the runner's checks, and a sentence for the answer on each thing left out. */
export interface CheckedChange {
  suggestion?: CheckedSuggestion;
  patch?: string;
  notes: string[];
}

export interface ChangeCheckContext {
  /** The checkout at the head. */
  repoDir: string;
  /** Where scratch files go (outside the checkout). */
  scratchDir: string;
  /** The runner's credentials: a change that holds one (or anything token-like) is left out, never redacted into code. */
  secrets: readonly string[];
  log: Logger;
}

const CREDENTIAL = 'it holds text that looks like a credential';

/**
 * The runner's decision on a suggest answer's change (the model's word is not taken): a suggestion is kept when it
 * applies to the head, turned into a patch when only a one-click suggestion cannot carry it, else left out; a patch
 * (the model's, or one made from its suggestion) is kept when `git apply --check` takes it at the head.
 */
export async function checkedChange(submitted: SubmittedAnswer, context: ChangeCheckContext): Promise<CheckedChange> {
  const looksSecret = (text: string) => redactSecrets(text, context.secrets) !== text;
  const notes: string[] = [];
  let patch = submitted.patch;
  let made: string | undefined;
  let suggestion: CheckedSuggestion | undefined;
  if (submitted.suggestion) {
    const check = await checkSuggestion(context.repoDir, submitted.suggestion);
    if (check.kind === 'dropped') notes.push(`forgebot left out the suggested change: ${check.why}.`);
    else if (check.kind === 'as-patch') {
      patch = check.patch;
      made = check.why;
    } else if (looksSecret(check.suggestion.replacement)) notes.push(`forgebot left out the suggested change: ${CREDENTIAL}.`);
    else suggestion = check.suggestion;
    context.log.info({ suggestion: check.kind }, 'suggestion checked');
  }
  if (patch === undefined) return { ...(suggestion ? { suggestion } : {}), notes };
  const what = made === undefined ? 'the patch' : 'the suggested change';
  const problem = looksSecret(patch) ? CREDENTIAL : await patchProblem(context.repoDir, context.scratchDir, patch);
  context.log.info({ patchApplies: problem === undefined, madeFromSuggestion: made !== undefined }, 'patch checked');
  if (problem !== undefined) {
    notes.push(`forgebot left out ${what}: ${problem}.`);
    return { notes };
  }
  if (made !== undefined) notes.push(`forgebot shows the suggested change as a patch: ${made}.`);
  return { patch: normalizedPatch(patch), notes };
}
