import { userInfo } from 'node:os';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Config } from '../../config.js';
import { cancelReviewSignal, searchAttributes, statusQuery, type ReviewStatus } from '../../workflows/definitions.js';
import { connectTemporalClient } from '../../workers/temporal-connection.js';

export interface ReviewRow {
  workflowId: string;
  forge?: string;
  repository?: string;
  changeNumber?: number;
  phase?: string;
  startTime: Date;
}

export interface ListFilters {
  repository?: string;
  phase?: string;
}

/** A value safe inside a visibility query string literal. */
function literal(value: string): string {
  if (!/^[\w./@:-]{1,200}$/.test(value)) throw new ReviewsUsageError(`not a valid filter value: ${JSON.stringify(value)}`);
  return `"${value}"`;
}

export class ReviewsUsageError extends Error {}

/** The running review workflows, newest first, filtered on forgebot's search attributes. */
export async function listReviews(client: Client, filters: ListFilters = {}, limit = 200): Promise<ReviewRow[]> {
  const clauses = [`WorkflowType = "reviewWorkflow"`, `ExecutionStatus = "Running"`];
  if (filters.repository) clauses.push(`${searchAttributes.repository.name} = ${literal(filters.repository)}`);
  if (filters.phase) clauses.push(`${searchAttributes.phase.name} = ${literal(filters.phase)}`);
  const rows: ReviewRow[] = [];
  for await (const execution of client.workflow.list({ query: clauses.join(' AND ') })) {
    const attributes = execution.typedSearchAttributes;
    const changeNumber = attributes.get(searchAttributes.changeNumber);
    rows.push({
      workflowId: execution.workflowId,
      startTime: execution.startTime,
      ...optional('forge', attributes.get(searchAttributes.forge)),
      ...optional('repository', attributes.get(searchAttributes.repository)),
      ...(changeNumber !== undefined ? { changeNumber } : {}),
      ...optional('phase', attributes.get(searchAttributes.phase)),
    });
    if (rows.length >= limit) break;
  }
  return rows;
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}

/** The review workflow's own status (its `status` query). */
export async function reviewStatus(client: Client, workflowId: string): Promise<ReviewStatus> {
  return client.workflow.getHandle(workflowId).query(statusQuery);
}

/** Stops the running review of a change (its agent job is killed) and drops a waiting revision. */
export async function cancelReview(client: Client, workflowId: string, by: string, reason?: string): Promise<void> {
  await client.workflow.getHandle(workflowId).signal(cancelReviewSignal, { by, ...(reason ? { reason } : {}) });
}

function table(rows: ReviewRow[]): string {
  if (rows.length === 0) return 'no running review workflows\n';
  const lines = rows.map((row) => [row.workflowId, row.phase ?? '-', row.repository ?? '-', row.startTime.toISOString()]);
  const widths = [0, 1, 2].map((column) => Math.max(...[['workflow', 'phase', 'repository'][column]!, ...lines.map((line) => line[column]!)].map((cell) => cell.length)));
  const format = (cells: string[]) => cells.map((cell, column) => (column < 3 ? cell.padEnd(widths[column]!) : cell)).join('  ');
  return [format(['workflow', 'phase', 'repository', 'started']), ...lines.map(format)].join('\n') + '\n';
}

/** `forgebot reviews list|status|cancel`: the operator's view of review workflows (the Web UI shows the same). */
export async function runReviewsCommand(
  config: Config,
  command: { kind: 'list'; filters: ListFilters; json: boolean } | { kind: 'status'; workflowId: string } | { kind: 'cancel'; workflowId: string; reason?: string },
  out: (text: string) => void = (text) => process.stdout.write(text),
): Promise<void> {
  const client = await connectTemporalClient(config);
  try {
    if (command.kind === 'list') {
      const rows = await listReviews(client, command.filters);
      out(command.json ? `${JSON.stringify(rows, null, 2)}\n` : table(rows));
    } else if (command.kind === 'status') {
      out(`${JSON.stringify(await reviewStatus(client, command.workflowId), null, 2)}\n`);
    } else {
      await cancelReview(client, command.workflowId, userInfo().username, command.reason);
      out(`asked ${command.workflowId} to stop its running review\n`);
    }
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) throw new ReviewsUsageError(`no review workflow ${JSON.stringify(error.workflowId)} in namespace ${config.TEMPORAL_NAMESPACE}`);
    throw error;
  } finally {
    await client.connection.close();
  }
}
