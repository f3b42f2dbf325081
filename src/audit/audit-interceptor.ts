import type { Context } from '@temporalio/activity';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { AuditEvent, AuditFact } from './audit-event.js';
import type { AuditStore } from './audit-store.js';
import { auditFactsFor, failedAgentJob, type CallContext } from './rows/index.js';

export interface AuditInterceptorOptions {
  store: AuditStore;
  /** The model agent jobs run with (the agent-worker's ANTHROPIC_MODEL): the digest does not say it. */
  model?: string;
  /** Tries per write, with a short pause between (default 3): the activity's result waits for them. */
  writeAttempts?: number;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The audit trail's capture: a Temporal activity interceptor that, once an activity succeeded, writes the rows the
 * mapping table (rows/index.ts) builds from its arguments and result — and a row for every failed attempt of an agent
 * job. Each row is keyed by workflow id, run id, activity id, kind and ordinal: a retried activity (a new attempt after
 * a lost completion) builds the same keys and the store writes nothing new.
 *
 * A row that cannot be written (the database down past the retries, a mapping that throws) is logged with its key and
 * never fails the activity: what it did outside is done, and failing it would make Temporal do it again.
 */
export function auditActivityInterceptor(options: AuditInterceptorOptions): ActivityInterceptorsFactory {
  const attempts = Math.max(1, options.writeAttempts ?? 3);
  return (ctx: Context) => ({
    inbound: {
      async execute(input, next) {
        const started = performance.now();
        const context = (): CallContext => ({ durationMs: performance.now() - started, attempt: ctx.info.attempt, ...(options.model ? { model: options.model } : {}) });
        let result: unknown;
        try {
          result = await next(input);
        } catch (error) {
          await write(ctx, () => {
            const failed = failedAgentJob(ctx.info.activityType, input.args, error, context());
            return failed ? [failed] : [];
          });
          throw error;
        }
        await write(ctx, () => auditFactsFor(ctx.info.activityType, input.args, result, context()));
        return result;
      },
    },
  });

  async function write(ctx: Context, build: () => AuditFact[]): Promise<void> {
    if (options.store.kind === 'off') return;
    const { activityType, activityId, workflowExecution, workflowType } = ctx.info;
    let events: AuditEvent[];
    try {
      const origin = { workflowId: workflowExecution?.workflowId ?? 'none', runId: workflowExecution?.runId ?? 'none', sourceId: activityId, source: activityType, ...(workflowType ? { workflowType } : {}) };
      events = build().map((fact) => ({ ...fact, ...origin }));
    } catch (error) {
      ctx.log.error('audit rows could not be built', { activityType, error: String(error) });
      return;
    }
    if (events.length === 0) return;
    for (let attempt = 1; ; attempt++) {
      try {
        await options.store.record(events);
        return;
      } catch (error) {
        if (attempt >= attempts) {
          ctx.log.error('audit rows not written', { activityType, activityId, workflowId: workflowExecution?.workflowId, kinds: events.map((event) => event.kind), error: String(error) });
          return;
        }
        await pause(250 * 4 ** (attempt - 1));
      }
    }
  }
}
