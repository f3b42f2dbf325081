import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import { DeterminismViolationError } from '@temporalio/workflow';
import { DefaultLogger, makeTelemetryFilterString, Runtime, Worker, type ReplayWorkerOptions } from '@temporalio/worker';
import type { Config } from '../../config.js';
import { connectTemporalClient } from '../../workers/temporal-connection.js';
import { workflowBundle } from '../../workers/workflow-source.js';
import { progressLine, type ProgressStream } from '../format/progress-line.js';

/** The workflow is not there (or the run id is wrong): one line on stderr, exit code 2. */
export class ReplayUsageError extends Error {}

export interface ReplayCommand {
  workflowId: string;
  /** Default: the workflow's newest run. */
  runId?: string;
  json: boolean;
}

/** What replaying one run's history on the current workflow code showed. */
export interface ReplayOutcome {
  workflowId: string;
  runId: string;
  workflowType: string;
  events: number;
  ok: boolean;
  /** nondeterminism: the code makes other commands than the history recorded (guard the change with patched()). */
  error?: { kind: 'nondeterminism' | 'replay-failed'; message: string };
}

/** The workflow code to replay against: the bundle the worker runs (default), or another (tests). */
export type WorkflowSource = Pick<ReplayWorkerOptions, 'workflowBundle' | 'workflowsPath'>;

const currentCode = async (): Promise<WorkflowSource> => ({ workflowBundle: await workflowBundle() });

type History = proto.temporal.api.history.v1.History;

/** A run's history page by page (as the client's fetchHistory reads it), saying how many events came so far. */
async function fetchHistoryPaged(client: Client, workflowId: string, runId: string, onPage: (events: number) => void, pageSize?: number): Promise<History> {
  const events: proto.temporal.api.history.v1.IHistoryEvent[] = [];
  let nextPageToken: Uint8Array | undefined;
  for (;;) {
    const response = await client.workflowService.getWorkflowExecutionHistory({
      namespace: client.options.namespace,
      execution: { workflowId, runId },
      ...(nextPageToken ? { nextPageToken } : {}),
      ...(pageSize ? { maximumPageSize: pageSize } : {}),
    });
    const page = response.history?.events ?? [];
    events.push(...page);
    // The server may end with an empty page that still carries a token: nothing new to tell.
    if (page.length > 0) onPage(events.length);
    if (!response.nextPageToken || response.nextPageToken.length === 0) break;
    nextPageToken = response.nextPageToken;
  }
  return proto.temporal.api.history.v1.History.create({ events });
}

/**
 * Fetches one run's history from Temporal and replays it on `source` (default: the workflow code this checkout's
 * worker would run): a determinism check before a deploy. A run that does not replay answers ok: false with the
 * SDK's reason; a workflow that does not exist is a ReplayUsageError.
 */
export async function replayWorkflow(
  client: Client,
  target: Pick<ReplayCommand, 'workflowId' | 'runId'>,
  options: {
    source?: WorkflowSource;
    beforeReplay?: () => void;
    /** What it does now, for a progress line: each history page fetched, then the replay. */
    progress?: (text: string) => void;
    /** Events per history page (default: the server's, 1,000 on a default server). */
    pageSize?: number;
  } = {},
): Promise<ReplayOutcome> {
  const progress = options.progress ?? (() => undefined);
  const handle = client.workflow.getHandle(target.workflowId, target.runId);
  let description;
  let history;
  try {
    progress(`${target.workflowId}: describing`);
    description = await handle.describe();
    const { runId } = description;
    history = await fetchHistoryPaged(client, target.workflowId, runId, (events) => progress(`${target.workflowId}: fetching history: ${events} events`), options.pageSize);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) {
      throw new ReplayUsageError(`no workflow ${JSON.stringify(target.workflowId)}${target.runId ? ` with run ${target.runId}` : ''} in namespace ${client.options.namespace}`);
    }
    throw error;
  }
  const outcome = { workflowId: target.workflowId, runId: description.runId, workflowType: description.type, events: history.events?.length ?? 0 };
  options.beforeReplay?.();
  progress(`${target.workflowId}: replaying ${outcome.events} events on the current workflow code`);
  try {
    await Worker.runReplayHistory({ ...(options.source ?? (await currentCode())), replayName: `forgebot-replay-${target.workflowId}` }, history, target.workflowId);
    return { ...outcome, ok: true };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ...outcome, ok: false, error: { kind: error instanceof DeterminismViolationError ? 'nondeterminism' : 'replay-failed', message } };
  }
}

/** The verdict for people, one line (the SDK's details follow a failure on their own line). */
export function renderReplay(outcome: ReplayOutcome): string {
  const what = `${outcome.workflowId} (${outcome.workflowType}, run ${outcome.runId}, ${outcome.events} events)`;
  if (outcome.ok) return `OK: ${what} replays on the current workflow code\n`;
  const reason = outcome.error?.kind === 'nondeterminism' ? 'nondeterminism: the current code makes other commands than its history recorded (guard the change with patched())' : 'the replay failed';
  return `FAILED: ${what} does not replay on the current workflow code: ${reason}\n  ${outcome.error?.message ?? ''}\n`;
}

/**
 * The SDK's own lines on stderr, errors only: the verdict is the command's output, and a nondeterminism is its answer,
 * not a warning to print besides (the SDK's native layer would otherwise write its warnings to stdout, into --json).
 */
function installQuietRuntime(): void {
  Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR', other: 'ERROR' }), forward: {} } } });
}

/**
 * `forgebot replay <workflow-id> [--run-id] [--json]`: prints the verdict; answers whether the run replayed (the CLI's
 * exit code 0 or 1). `quietRuntime`: the CLI's process sets up the Temporal runtime here (once; tests have their own).
 */
export async function runReplayCommand(
  config: Config,
  command: ReplayCommand,
  options: { out?: (text: string) => void; quietRuntime?: boolean; source?: WorkflowSource; progress?: ProgressStream; pageSize?: number } = {},
): Promise<boolean> {
  const out = options.out ?? ((text: string) => process.stdout.write(text));
  // A progress line for a person at a terminal: none with --json or when stderr is not one.
  const line = progressLine(options.progress ?? process.stderr, !command.json);
  const client = await connectTemporalClient(config);
  try {
    // The runtime only once there is a history to replay: a runtime set up and never used would keep the process alive.
    const outcome = await replayWorkflow(client, command, {
      ...(options.source ? { source: options.source } : {}),
      ...(options.quietRuntime ? { beforeReplay: installQuietRuntime } : {}),
      ...(options.pageSize ? { pageSize: options.pageSize } : {}),
      progress: (text) => line.update(text),
    });
    line.done();
    out(command.json ? `${JSON.stringify(outcome, null, 2)}\n` : renderReplay(outcome));
    return outcome.ok;
  } finally {
    line.done();
    await client.connection.close();
  }
}
