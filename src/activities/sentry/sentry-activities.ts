import { AgentOutput, type AnalysisResult, type ImplementResult } from '../../domain/agent-task.js';
import type { ClaimRef } from '../../domain/claim-ref.js';
import type { SentryEvidence, SentryFrame } from '../../domain/sentry/evidence.js';
import { ClaimCheckError } from '../claim-check/claim-check-error.js';
import type { ClaimCheckStore } from '../claim-check/claim-check-store.js';
import { getJson } from '../claim-check/json-claims.js';
import type { SentryActivities, SentryReport } from './contracts.js';
import { evidenceFromEvent } from './evidence-from-event.js';
import { issueSummaryFromApi } from './issue-summary.js';
import { renderEvidence } from './render-evidence.js';
import { renderFixDescription } from './render-fix-description.js';
import { renderSentryReport, type ReportMaterial } from './render-report.js';
import type { SentryClient } from './sentry-client.js';

export interface SentryActivityDeps {
  client: SentryClient;
  claims: ClaimCheckStore;
  /** SENTRY_URL: links to issues when Sentry's answer has none. */
  sentryUrl: string;
  /** More values to redact from everything kept (other tokens the worker holds); the client's token always is. */
  secrets?: readonly string[];
}

const utf8 = (text: string) => new TextEncoder().encode(text);

async function analysisIn(claims: ClaimCheckStore, ref: ClaimRef): Promise<AnalysisResult> {
  const output = await getJson(claims, ref, AgentOutput);
  if (output.role !== 'analyst') throw new ClaimCheckError('ERR_CLAIM_INVALID', `claim ${ref.key} holds a ${output.role} output, not an analysis`);
  return output.analysis;
}

async function workIn(claims: ClaimCheckStore, ref: ClaimRef): Promise<ImplementResult> {
  const output = await getJson(claims, ref, AgentOutput);
  if (output.role !== 'implementer') throw new ClaimCheckError('ERR_CLAIM_INVALID', `claim ${ref.key} holds a ${output.role} output, not work`);
  return output.work;
}

/** The stored outputs a report names. */
async function materialOf(claims: ClaimCheckStore, report: SentryReport): Promise<ReportMaterial> {
  const analysisClaim = 'analysisClaim' in report ? report.analysisClaim : undefined;
  const workClaim = 'workClaim' in report ? report.workClaim : undefined;
  return {
    ...(analysisClaim ? { analysis: await analysisIn(claims, analysisClaim) } : {}),
    ...(workClaim ? { work: await workIn(claims, workClaim) } : {}),
  };
}

/**
 * The sentry-fix workflow's Sentry activities (main task queue; they hold the Sentry token, never the sandbox). Their
 * failures are typed: SentryError and ClaimCheckError are Temporal failures with their code as type.
 */
/** A frame without its source lines and variables. */
function withoutSource(frame: SentryFrame): SentryFrame {
  const kept: SentryFrame = { ...frame, context: [] };
  delete kept.vars;
  return kept;
}

/** The evidence without what only the agent reads (it has the rendered whole): what workflow history keeps. */
export function gateEvidence(evidence: SentryEvidence): SentryEvidence {
  const compact: SentryEvidence = { ...evidence, breadcrumbs: [], tags: [], exceptions: evidence.exceptions.map((exception) => ({ ...exception, frames: exception.frames.map(withoutSource) })) };
  delete compact.request;
  return compact;
}

export function createSentryActivities(deps: SentryActivityDeps): Pick<SentryActivities, 'fetchSentryEvidence' | 'readSentryIssueStatus' | 'postSentryReport' | 'prepareFixDescription'> {
  const secrets = [...deps.client.secrets, ...(deps.secrets ?? [])];
  return {
    /** The issue and its latest event as evidence (scrubbed, capped); the rendered context goes behind a claim. */
    async fetchSentryEvidence(input) {
      const issue = issueSummaryFromApi(input.org, await deps.client.getIssue(input.org, input.issueId), deps.sentryUrl, secrets);
      const evidence = evidenceFromEvent(await deps.client.latestEvent(input.org, input.issueId), input.mapping, secrets);
      const renderedClaim = await deps.claims.put('sentry-evidence', utf8(renderEvidence(issue, evidence)));
      return { issue, evidence: gateEvidence(evidence), renderedClaim };
    },

    async readSentryIssueStatus(org, issueId) {
      return { status: (await deps.client.getIssue(org, issueId)).status };
    },

    /** Renders the report (untrusted parts made safe) and comments on the issue; a retried post finds its comment. */
    async postSentryReport(input) {
      const body = renderSentryReport(input.report, await materialOf(deps.claims, input.report));
      const comment = await deps.client.postComment(input.org, input.issueId, body);
      return { commentId: comment.id };
    },

    /** The fix change's title and description; the description goes behind a claim (publishWork reads it). */
    async prepareFixDescription(input) {
      const { title, description } = renderFixDescription({
        issue: input.issue,
        analysis: await analysisIn(deps.claims, input.analysisClaim),
        work: await workIn(deps.claims, input.workClaim),
        sentryUrl: deps.sentryUrl,
        ...(input.earlierAttempt ? { earlierAttempt: input.earlierAttempt } : {}),
      });
      return { title, descriptionClaim: await deps.claims.put('fix-description', utf8(description)) };
    },
  };
}
