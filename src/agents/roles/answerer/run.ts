import { join } from 'node:path';
import type Anthropic from '@anthropic-ai/sdk';
import type { Logger } from 'pino';
import type { AnswerQuestion, AnswerResult, AnswerTask } from '../../../domain/agent-task.js';
import { redactSecrets } from '../../../domain/redact.js';
import { checkoutRepository } from '../../checkout.js';
import { createModelClient, knownSecrets, type RunnerSecretsEnv } from '../../model-client.js';
import { runToolLoop, type StopReason } from '../../tool-loop.js';
import { loopAccounting, loopLimits } from '../loop-accounting.js';
import { createWorkspaceTools } from '../../workspace-tools.js';
import { checkedChange, type CheckedChange } from './checked-change.js';
import { readHeadLines, type HeadLines } from './head-lines.js';
import { answererRoleFor } from './role.js';

/** AnswerResult's limit on the answer. */
const MAX_ANSWER = 20_000;
/** Lines shown around a finding's line in a reply's brief. */
const FINDING_CONTEXT_LINES = 5;

/** Why there is no answer, in the sentence the person reads in the thread. */
export function unfinishedAnswer(stoppedBy: StopReason | undefined, turns: number): string {
  const limit = { turns: 'turn limit', tokens: 'token limit', cost: 'cost limit' } as const;
  const after = `after ${turns} turn${turns === 1 ? '' : 's'}`;
  const why = stoppedBy === 'no-tool-call' ? `the model stopped without submitting an answer ${after}` : `it reached its ${limit[stoppedBy ?? 'turns']} ${after}`;
  return `forgebot could not finish an answer (${why}). Ask again, perhaps with a narrower question.`;
}

/** The lines the question is about, read at the head for the brief: the target's, or the finding's and around it. */
async function linesFor(repoDir: string, question: AnswerQuestion): Promise<HeadLines | undefined> {
  if (question.kind === 'reply') {
    const { path, line } = question.finding;
    return readHeadLines(repoDir, path, Math.max(1, line - FINDING_CONTEXT_LINES), line + FINDING_CONTEXT_LINES);
  }
  return question.target ? readHeadLines(repoDir, question.target.path, question.target.startLine, question.target.endLine) : undefined;
}

/**
 * Checks out the change's head, lets the model read it with the read-only tools, and returns its answer to the
 * person (redacted). The runner, not the model, decides what of a suggested change is kept (checked-change.ts), and
 * a disposition only ever comes with a reply. A loop that ends without a submission is an answer too: why it stopped.
 */
export async function runAnswerer(task: AnswerTask, secrets: RunnerSecretsEnv, workspace: string, log: Logger, client: Anthropic = createModelClient(secrets)): Promise<AnswerResult> {
  const repoDir = join(workspace, 'repo');
  await checkoutRepository(task.repository, task.forge, secrets.cloneToken, repoDir, { log });
  const { question } = task;
  const role = answererRoleFor(question.kind);
  const loop = await runToolLoop({
    client,
    model: task.model,
    role,
    brief: role.brief({ task, ...(await linesFor(repoDir, question).then((lines) => (lines ? { lines } : {}))) }),
    tools: createWorkspaceTools(repoDir),
    limits: loopLimits(task.limits),
    log,
  });
  const known = knownSecrets(secrets);
  const redact = (text: string) => redactSecrets(text, known);
  const accounting = { headSha: task.repository.headSha, ...loopAccounting(task.model, loop) };
  const submitted = loop.submitted;
  if (!submitted) {
    log.info({ kind: question.kind, stoppedBy: loop.stoppedBy, turns: loop.usage.turns }, 'answer not submitted');
    return { answer: unfinishedAnswer(loop.stoppedBy, loop.usage.turns), ...accounting, truncated: true };
  }
  // The kind's schema refused these already; checked again here, so that no kind ever carries another's output.
  const offKind = Object.keys(submitted).filter((key) => (key === 'disposition' && question.kind !== 'reply') || ((key === 'suggestion' || key === 'patch') && question.kind !== 'suggest'));
  if (offKind.length > 0) log.warn({ kind: question.kind, fields: offKind }, 'answer fields of another kind dropped');
  const change: CheckedChange = question.kind === 'suggest' ? await checkedChange(submitted, { repoDir, scratchDir: workspace, secrets: known, log }) : { notes: [] };
  const disposition = question.kind === 'reply' ? submitted.disposition : undefined;
  log.info({ kind: question.kind, suggestion: change.suggestion !== undefined, patch: change.patch !== undefined, notes: change.notes.length, disposition }, 'answer submitted');
  return {
    answer: redact([submitted.answer, ...change.notes].join('\n\n')).slice(0, MAX_ANSWER),
    ...(change.suggestion ? { suggestion: change.suggestion } : {}),
    ...(change.patch !== undefined ? { patch: change.patch } : {}),
    ...(disposition !== undefined ? { disposition } : {}),
    ...accounting,
    truncated: false,
  };
}
