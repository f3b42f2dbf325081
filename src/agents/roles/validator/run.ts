import Anthropic from '@anthropic-ai/sdk';
import type { Logger } from 'pino';
import { emptyUsage, type DroppedFinding, type ReviewedFinding, type Severity, type TokenUsage } from '../../../domain/finding.js';
import { sanitizeUntrusted } from '../../sanitize.js';
import { runToolLoop, type LoopLimits, type StopReason } from '../../tool-loop.js';
import type { WorkspaceTools } from '../../workspace-tools.js';
import { readHeadLines, type HeadLines } from '../answerer/head-lines.js';
import type { ValidatedItem } from './brief.js';
import { validatorRoleFor, type Verdict } from './role.js';

/** Findings one validation re-checks at most (the most severe, most confident first); the rest are kept unchecked. */
export const MAX_VALIDATED = 20;
/** Lines shown before and after a finding's lines in the brief. */
const CONTEXT_LINES = 8;
/** DroppedFinding's limit on a reason. */
const MAX_REASON = 500;
const CHECKED: readonly Severity[] = ['blocker', 'major'];

export interface ValidatorDeps {
  client: Anthropic;
  model: string;
  /** The read-only tools over the checkout at the head. */
  tools: WorkspaceTools;
  /** The checkout at the head (the code around each finding is read from it, confined to it). */
  repoDir: string;
  headSha: string;
  limits: LoopLimits;
  log: Logger;
}

export interface Validation {
  /** The findings that stay, in their order: confirmed, not checked (minor, nit, over the cap), or all when not validated. */
  kept: ReviewedFinding[];
  /** Not confirmed, with the validator's reason. */
  dropped: DroppedFinding[];
  /** Findings the validator gave a verdict on. */
  validated: number;
  usage: TokenUsage;
  /** For the summary: why some or all blocker/major findings were not validated. */
  notice?: string;
}

const stopped: Record<StopReason, string> = {
  turns: 'reached its turn limit before giving its verdicts',
  tokens: 'used up its token budget before giving its verdicts',
  cost: 'used up its cost budget before giving its verdicts',
  'no-tool-call': 'ended without giving its verdicts',
};

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
const keptUnchecked = (count: number) => (count === 1 ? 'the blocker/major finding is kept unchecked' : `the ${count} blocker/major findings are kept unchecked`);

/** The indexes of the findings to re-check: blocker and major, the most severe and most confident first. */
function toCheck(findings: readonly ReviewedFinding[]): number[] {
  return findings
    .map((finding, index) => ({ finding, index }))
    .filter(({ finding }) => CHECKED.includes(finding.severity))
    .sort((a, b) => CHECKED.indexOf(a.finding.severity) - CHECKED.indexOf(b.finding.severity) || b.finding.confidence - a.finding.confidence || a.index - b.index)
    .map(({ index }) => index);
}

/** The code around a finding at the head, read through the confined-path helper; never a failure of the validation. */
async function linesAround(deps: ValidatorDeps, finding: ReviewedFinding): Promise<HeadLines | undefined> {
  if (finding.side === 'old') return undefined;
  const first = finding.startLine ?? finding.line;
  try {
    return await readHeadLines(deps.repoDir, finding.path, Math.max(1, first - CONTEXT_LINES), finding.line + CONTEXT_LINES);
  } catch (error) {
    deps.log.warn({ err: error }, 'finding lines not readable for validation');
    return { kind: 'missing', why: 'the file could not be read' };
  }
}

function droppedBy(finding: ReviewedFinding, verdict: Verdict): DroppedFinding {
  const reason = sanitizeUntrusted(verdict.reason).replace(/\s+/g, ' ').trim();
  const text = `Not confirmed by the validator: ${reason}`;
  return {
    path: finding.path,
    line: finding.line,
    title: finding.title.slice(0, 200),
    raisedBy: [...(finding.raisedBy ?? [])],
    reason: text.length <= MAX_REASON ? text : `${text.slice(0, MAX_REASON - 1)}…`,
  };
}

/** Why the loop threw, fit for the summary: the API's status, not its message. */
function failure(error: InstanceType<typeof Anthropic.APIError>): string {
  return error.status !== undefined ? `the model API answered ${error.status}` : 'the model API could not be reached';
}

/**
 * Re-checks the blocker and major findings (at most MAX_VALIDATED) against the code at the head in ONE conversation:
 * what the validator does not confirm is dropped with its reason; the rest pass through. A validator that does not
 * submit (a budget, the turn limit, an API error) drops nothing: every finding is kept, and the notice says so.
 * Verdicts select findings only through the ids the runner gave (F1, F2, …).
 */
export async function validateFindings(deps: ValidatorDeps, findings: readonly ReviewedFinding[]): Promise<Validation> {
  const checked = toCheck(findings);
  const sent = checked.slice(0, MAX_VALIDATED);
  const over = checked.length - sent.length;
  const overNotice = over > 0 ? `${plural(over, 'blocker/major finding')} not validated (at most ${MAX_VALIDATED} are re-checked per review): kept unchecked.` : undefined;
  const allKept = (usage: TokenUsage, notice: string): Validation => ({ kept: [...findings], dropped: [], validated: 0, usage, notice: [notice, overNotice].filter(Boolean).join(' ') });
  if (sent.length === 0) return { kept: [...findings], dropped: [], validated: 0, usage: emptyUsage() };

  const items: ValidatedItem[] = await Promise.all(
    sent.map(async (index, position) => {
      const finding = findings[index] as ReviewedFinding;
      const lines = await linesAround(deps, finding);
      return { id: `F${position + 1}`, finding, ...(lines ? { lines } : {}) };
    }),
  );
  const indexOf = new Map(items.map((item, position) => [item.id, sent[position] as number]));
  const role = validatorRoleFor(items.map((item) => item.id));
  let loop;
  try {
    loop = await runToolLoop({ client: deps.client, model: deps.model, role, brief: role.brief({ headSha: deps.headSha, items }), tools: deps.tools, limits: deps.limits, log: deps.log });
  } catch (error) {
    if (!(error instanceof Anthropic.APIError)) throw error;
    deps.log.warn({ err: error }, 'validation failed: findings kept');
    return allKept(emptyUsage(), `Not validated: ${failure(error)}; ${keptUnchecked(sent.length)}.`);
  }
  if (!loop.submitted) {
    deps.log.info({ stoppedBy: loop.stoppedBy, turns: loop.usage.turns }, 'validator did not submit: findings kept');
    return allKept(loop.usage, `Not validated: the validator ${stopped[loop.stoppedBy ?? 'turns']}; ${keptUnchecked(sent.length)}.`);
  }

  const verdicts = new Map<number, Verdict>();
  for (const verdict of loop.submitted.verdicts) {
    const index = indexOf.get(verdict.id);
    if (index !== undefined && !verdicts.has(index)) verdicts.set(index, verdict);
  }
  const kept: ReviewedFinding[] = [];
  const dropped: DroppedFinding[] = [];
  findings.forEach((finding, index) => {
    const verdict = verdicts.get(index);
    if (verdict?.verdict === 'not-confirmed') dropped.push(droppedBy(finding, verdict));
    else kept.push(finding);
  });
  deps.log.info({ validated: verdicts.size, dropped: dropped.length, over }, 'findings validated');
  return { kept, dropped, validated: verdicts.size, usage: loop.usage, ...(overNotice ? { notice: overNotice } : {}) };
}
