import { userInfo } from 'node:os';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Config } from '../../config.js';
import type { WorkflowKind } from '../../domain/subject-ref.js';
import { workflowKinds, type WorkflowKindSpec } from '../../webhooks/workflow-kinds.js';
import type { SentryFixPhase } from '../../workflows/sentry-fix-definitions.js';
import { cancelReviewSignal, searchAttributes, statusQuery, type OperatorCancel, type ReviewPhase, type ReviewStatus } from '../../workflows/definitions.js';
import { connectTemporalClient } from '../../workers/temporal-connection.js';

export interface ReviewRow {
  workflowId: string;
  kind: WorkflowKind;
  /** The subject key (`ForgebotSubject`, e.g. `change:gitlab:42:7`); absent on workflows started before it was set. */
  subject?: string;
  forge?: string;
  repository?: string;
  changeNumber?: number;
  phase?: string;
  startTime: Date;
}

export interface ListFilters {
  /** Which kind of workflow (default `review`). */
  kind?: WorkflowKind;
  repository?: string;
  phase?: string;
  /** Only the workflow of this subject key. */
  subject?: string;
}

export class ReviewsUsageError extends Error {}

/** A value safe inside a visibility query string literal (`%` appears in escaped subject keys). */
function literal(value: string): string {
  if (!/^[\w./@:%-]{1,200}$/.test(value)) throw new ReviewsUsageError(`not a valid filter value: ${JSON.stringify(value)}`);
  return `"${value}"`;
}

/** A registered workflow kind, from an operator's `--kind`. */
export function parseWorkflowKind(value: string): WorkflowKind {
  const kind = Object.keys(workflowKinds).find((known): known is WorkflowKind => known === value);
  if (kind === undefined) throw new ReviewsUsageError(`unknown workflow kind ${JSON.stringify(value)} (known: ${Object.keys(workflowKinds).join(', ')})`);
  return kind;
}

/** Every phase a review workflow reports (`ForgebotPhase`), as a record so that the compiler finds a missing one. */
const reviewPhases = Object.keys({ waiting: true, debouncing: true, reviewing: true, publishing: true, failed: true, closed: true } satisfies Record<ReviewPhase, true>);

/** Every phase a sentry-fix workflow reports. */
const sentryFixPhases = Object.keys({
  gating: true,
  collecting: true,
  analysing: true,
  fixing: true,
  publishing: true,
  pipeline: true,
  'awaiting-approval': true,
  finishing: true,
  done: true,
} satisfies Record<SentryFixPhase, true>);

/** The phases `--phase` accepts, per kind of workflow (a kind not listed here accepts any phase). */
export const workflowPhases: { readonly [K in WorkflowKind]?: readonly string[] } = { review: reviewPhases, 'sentry-fix': sentryFixPhases };

/** Refuses a `--phase` that the kind of workflow never reports: it would silently list nothing. */
export function checkPhase(kind: WorkflowKind, phase: string): void {
  const phases = workflowPhases[kind];
  if (phases !== undefined && !phases.includes(phase)) throw new ReviewsUsageError(`unknown ${kind} phase ${JSON.stringify(phase)} (known: ${phases.join(', ')})`);
}

function specOf(kind: WorkflowKind): WorkflowKindSpec {
  const spec = workflowKinds[kind];
  if (spec === undefined) throw new ReviewsUsageError(`unknown workflow kind ${JSON.stringify(kind)} (known: ${Object.keys(workflowKinds).join(', ')})`);
  return spec;
}

/** The running workflows of one kind (default: reviews), newest first, filtered on forgebot's search attributes. */
export async function listWorkflows(client: Client, filters: ListFilters = {}, limit = 200): Promise<ReviewRow[]> {
  const kind = filters.kind ?? 'review';
  const clauses = [`WorkflowType = ${literal(specOf(kind).workflowType)}`, `ExecutionStatus = "Running"`];
  if (filters.repository) clauses.push(`${searchAttributes.repository.name} = ${literal(filters.repository)}`);
  if (filters.phase) clauses.push(`${searchAttributes.phase.name} = ${literal(filters.phase)}`);
  if (filters.subject) clauses.push(`${searchAttributes.subject.name} = ${literal(filters.subject)}`);
  const rows: ReviewRow[] = [];
  for await (const execution of client.workflow.list({ query: clauses.join(' AND ') })) {
    const attributes = execution.typedSearchAttributes;
    const changeNumber = attributes.get(searchAttributes.changeNumber);
    rows.push({
      workflowId: execution.workflowId,
      kind,
      ...optional('subject', attributes.get(searchAttributes.subject)),
      ...optional('forge', attributes.get(searchAttributes.forge)),
      ...optional('repository', attributes.get(searchAttributes.repository)),
      ...(changeNumber !== undefined ? { changeNumber } : {}),
      ...optional('phase', attributes.get(searchAttributes.phase)),
      startTime: execution.startTime,
    });
    if (rows.length >= limit) break;
  }
  return rows;
}

/** The running review workflows (`listWorkflows` of kind `review`). */
export async function listReviews(client: Client, filters: Omit<ListFilters, 'kind'> = {}, limit = 200): Promise<ReviewRow[]> {
  return listWorkflows(client, { ...filters, kind: 'review' }, limit);
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}

/** Subject keys start with a subject kind (`change:`, `sentry-issue:`, `jira-ticket:`); workflow ids with a workflow kind. */
const SUBJECT_KEY = /^(change|sentry-issue|jira-ticket):/;

/**
 * The workflow id an operator means: a workflow id of `kind` as given, or the workflow whose `ForgebotSubject` is the
 * given subject key (found through visibility: the running one, else the newest).
 */
export async function resolveWorkflowId(client: Client, kind: WorkflowKind, target: string): Promise<string> {
  if (!SUBJECT_KEY.test(target)) {
    if (!target.startsWith(`${kind}:`)) throw new ReviewsUsageError(`${JSON.stringify(target)} is not a ${kind} workflow id nor a subject key (see --kind)`);
    return target;
  }
  const query = `WorkflowType = ${literal(specOf(kind).workflowType)} AND ${searchAttributes.subject.name} = ${literal(target)}`;
  const workflowId = (await firstWorkflowId(client, `${query} AND ExecutionStatus = "Running"`)) ?? (await firstWorkflowId(client, query));
  if (workflowId === undefined) throw new ReviewsUsageError(`no ${kind} workflow for subject ${JSON.stringify(target)}`);
  return workflowId;
}

async function firstWorkflowId(client: Client, query: string): Promise<string | undefined> {
  const iterator = client.workflow.list({ query, pageSize: 1 })[Symbol.asyncIterator]();
  const first = await iterator.next();
  await iterator.return?.();
  return first.done === true ? undefined : first.value.workflowId;
}

/** A workflow's own status (its `status` query; every forgebot workflow answers it). */
export async function workflowStatus(client: Client, workflowId: string): Promise<unknown> {
  return client.workflow.getHandle(workflowId).query<unknown>(statusQuery.name);
}

/** The review workflow's own status (its `status` query). */
export async function reviewStatus(client: Client, workflowId: string): Promise<ReviewStatus> {
  return client.workflow.getHandle(workflowId).query(statusQuery);
}

/** Stops the running work of a workflow of `kind` through its cancel signal (a review: its agent job is killed). */
export async function cancelWorkflow(client: Client, kind: WorkflowKind, workflowId: string, by: string, reason?: string): Promise<void> {
  const signal = specOf(kind).cancelSignal;
  if (signal === undefined) throw new ReviewsUsageError(`a ${kind} workflow cannot be cancelled from the CLI`);
  const cancel: OperatorCancel = { by, ...(reason ? { reason } : {}) };
  await client.workflow.getHandle(workflowId).signal(signal, cancel);
}

/** Stops the running review of a change (its agent job is killed) and drops a waiting revision. */
export async function cancelReview(client: Client, workflowId: string, by: string, reason?: string): Promise<void> {
  await client.workflow.getHandle(workflowId).signal(cancelReviewSignal, { by, ...(reason ? { reason } : {}) });
}

function table(kind: WorkflowKind, rows: ReviewRow[]): string {
  if (rows.length === 0) return `no running ${kind} workflows\n`;
  const header = ['workflow', 'phase', 'subject', 'repository', 'started'];
  const lines = rows.map((row) => [row.workflowId, row.phase ?? '-', row.subject ?? '-', row.repository ?? '-', row.startTime.toISOString()]);
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column]!.length)));
  const format = (cells: string[]) => cells.map((cell, column) => (column < cells.length - 1 ? cell.padEnd(widths[column]!) : cell)).join('  ');
  return [format(header), ...lines.map(format)].join('\n') + '\n';
}

export type ReviewsCommand =
  | { kind: 'list'; filters: ListFilters; json: boolean }
  /** `target`: a workflow id, or a subject key (`change:gitlab:42:7`). */
  | { kind: 'status'; target: string; workflowKind?: WorkflowKind }
  | { kind: 'cancel'; target: string; workflowKind?: WorkflowKind; reason?: string };

/** `forgebot reviews list|status|cancel [--kind <kind>]`: the operator's view of forgebot's workflows (reviews by default). */
export async function runReviewsCommand(config: Config, command: ReviewsCommand, out: (text: string) => void = (text) => process.stdout.write(text)): Promise<void> {
  const kind = (command.kind === 'list' ? command.filters.kind : command.workflowKind) ?? 'review';
  specOf(kind);
  if (command.kind === 'list' && command.filters.phase !== undefined) checkPhase(kind, command.filters.phase);
  const client = await connectTemporalClient(config);
  try {
    if (command.kind === 'list') {
      const rows = await listWorkflows(client, command.filters);
      out(command.json ? `${JSON.stringify(rows, null, 2)}\n` : table(kind, rows));
    } else if (command.kind === 'status') {
      out(`${JSON.stringify(await workflowStatus(client, await resolveWorkflowId(client, kind, command.target)), null, 2)}\n`);
    } else {
      const workflowId = await resolveWorkflowId(client, kind, command.target);
      await cancelWorkflow(client, kind, workflowId, userInfo().username, command.reason);
      out(`asked ${workflowId} to stop its running ${kind === 'review' ? 'review' : 'work'}\n`);
    }
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) throw new ReviewsUsageError(`no ${kind} workflow ${JSON.stringify(error.workflowId)} in namespace ${config.TEMPORAL_NAMESPACE}`);
    throw error;
  } finally {
    await client.connection.close();
  }
}
