import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../../config.js';
import type { Logger } from '../../logger.js';
import { auditForWorker } from '../../audit/wiring.js';
import { wireWorkerMetrics } from '../../workers/metrics/wire-worker-metrics.js';
import { createAgentWorker } from '../../workers/agent-worker.js';
import { createMainWorker } from '../../workers/main-worker.js';
import { commandBudgetFromConfig } from '../../workers/command-budget-wiring.js';
import { createClaimStore } from '../../activities/claim-check/create-claim-store.js';
import { connectTemporalWorker } from '../../workers/temporal-connection.js';
import { startDemo, type Demo } from '../demo/demo.js';
import { formatReview } from '../demo/print-review.js';
import { formatSentryFix } from '../demo/print-sentry-fix.js';
import { ensureTemporalDevServer, findTemporalCli } from '../demo/temporal-dev-server.js';
import { createForges, createSandbox, runnerSecrets } from '../wiring.js';
import { startServer } from './server.js';
import { ensureSearchAttributes } from './worker.js';

const projectRoot = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * `forgebot dev`: everything in one process — a Temporal dev server if none answers, the webhook server,
 * both workers — and, without forge (GitLab or GitHub) and Anthropic credentials, the demo: a fake GitLab, a fake Sentry,
 * a scripted model, a sample merge-request webhook whose review is printed when it lands, and a sample Sentry issue
 * whose draft fix MR is printed when it opens (`--once`: then it exits).
 */
export async function runDev(config: Config, logger: Logger, options: { once: boolean }): Promise<void> {
  const metrics = await wireWorkerMetrics({ config, logger });
  const stateDir = join(projectRoot, '.forgebot');
  const forgeConfigured = Boolean((config.GITLAB_URL && config.GITLAB_TOKEN) || config.GITHUB_TOKEN || config.GITHUB_APP_ID !== undefined);
  const demoMode = !(forgeConfigured && config.ANTHROPIC_API_KEY);
  const temporal = await ensureTemporalDevServer({
    address: config.TEMPORAL_ADDRESS,
    // The Web UI sits 1000 above the frontend port, as `temporal server start-dev` has it by default (7233 → 8233).
    uiPort: Number(config.TEMPORAL_ADDRESS.split(':').at(-1) ?? 7233) + 1000,
    // The demo starts afresh each time; a real setup keeps its workflows across restarts.
    ...(demoMode ? {} : { dataDir: stateDir }),
    cliPath: findTemporalCli(projectRoot, process.env),
    logger,
  });
  let demo: Demo | undefined;
  const cleanups: (() => Promise<void>)[] = [() => temporal.stop(), () => metrics.close()];
  try {
    if (demoMode) {
      logger.info('no GitLab/Anthropic credentials: demo mode (fake GitLab, fake Sentry, scripted model)');
      demo = await startDemo(config, join(stateDir, 'demo'));
      cleanups.unshift(() => demo!.stop());
    }
    const effective = demo?.config ?? config;
    await ensureSearchAttributes(effective, logger);
    const server = await startServer(effective, logger);
    cleanups.unshift(() => server.close());
    const connection = await connectTemporalWorker(effective);
    cleanups.unshift(() => connection.close());
    const samplers = metrics.startSamplers(connection);
    cleanups.unshift(async () => samplers.stop());
    const claims = createClaimStore(effective, logger);
    cleanups.unshift(() => claims.close());
    const audit = auditForWorker(effective, logger);
    cleanups.unshift(() => audit.close());
    const commands = commandBudgetFromConfig(effective, logger);
    cleanups.unshift(() => commands.close());
    const worker = await createMainWorker({ config: effective, connection, forges: createForges(effective, logger), claims, audit, commandBudget: commands.budget });
    const agentWorker = await createAgentWorker({ config: effective, connection, sandbox: createSandbox(effective, logger), secrets: runnerSecrets(effective), claims, audit });
    const running = Promise.all([worker.run(), agentWorker.run()]);
    logger.info({ webhook: `${server.url}/webhook/gitlab`, githubWebhook: `${server.url}/webhook/github`, temporalUi: temporal.uiUrl }, 'forgebot is running (Ctrl-C to stop)');

    if (demo) {
      const delivery = await demo.deliverWebhook(server.url);
      logger.info({ status: delivery.status, response: delivery.body }, 'delivered the sample merge-request webhook');
      const sentryDelivery = await demo.sentry.deliverIssueCreated(server.url);
      logger.info({ status: sentryDelivery.status, response: sentryDelivery.body }, 'delivered the sample Sentry issue.created webhook');
      const review = await demo.waitForReview(config.AGENT_TIMEOUT_SECONDS * 1000);
      process.stdout.write(formatReview(review, { webUi: temporal.uiUrl, workflowId: demo.workflowId }));
      const progress = (line: string) => process.stdout.write(`  sentry-fix ▸ ${line}\n`);
      process.stdout.write(`\n━━━ forgebot is fixing Sentry issue ${demo.sentry.issue.shortId} (${demo.sentry.workflowId}) ━━━\n`);
      const fix = await demo.sentry.waitForFixChange(effective, { timeoutMs: config.AGENT_TIMEOUT_SECONDS * 2_000, onProgress: progress });
      process.stdout.write(formatSentryFix(fix, { webUi: temporal.uiUrl, workflowId: demo.sentry.workflowId, sentryIssueUrl: demo.sentry.issue.webUrl }));
      if (!options.once) demo.sentry.followToTheEnd(effective, progress, (error) => logger.warn({ err: error }, 'stopped following the Sentry fix'));
    }
    if (options.once) {
      worker.shutdown();
      agentWorker.shutdown();
    }
    await running;
  } finally {
    for (const cleanup of cleanups) await cleanup().catch((error: unknown) => logger.warn({ err: error }, 'cleanup failed'));
  }
}
