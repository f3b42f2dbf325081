// First: a Node.js too old for forgebot is refused in one line, before a dependency fails to load on it.
import './require-node.js';
import { Command } from 'commander';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { chooseLogFormat, createLogger, type Logger } from '../logger.js';
import { TemporalUnreachableError } from '../workers/temporal-connection.js';
import { runAgentWorker } from './commands/agent-worker.js';
import { AuditUsageError, runAuditCommand, type AuditCommand } from './commands/audit.js';
import { DecisionRefused, runDecideCommand, type DecideCommand } from './commands/decide.js';
import { runDev } from './commands/dev.js';
import { runDoctor } from './commands/doctor.js';
import { EvalUsageError, parseEvalOptions, runEvalCommand, type RawEvalOptions } from './commands/eval.js';
import { runQueueCommand } from './commands/queue.js';
import { ReplayUsageError, runReplayCommand } from './commands/replay.js';
import { registerReviewMemoryCommands } from './commands/review-memory-cli.js';
import { parseWorkflowKind, ReviewsUsageError, runReviewsCommand, workflowPhases } from './commands/reviews.js';
import { runSearchAttributes } from './commands/search-attributes.js';
import { runServer } from './commands/server.js';
import { runWorker } from './commands/worker.js';
import { versionLine } from './version.js';

type Action = (config: Config, logger: Logger) => Promise<void>;

/** Loads the configuration (every problem at once), then runs one process's main function. */
function withConfig(action: Action, env: Record<string, string | undefined> = process.env): () => Promise<void> {
  return async () => {
    let config: Config;
    try {
      config = loadConfig(env);
    } catch (error) {
      if (error instanceof ConfigError) {
        process.stderr.write(`forgebot: ${error.message}\n`);
        process.exit(2);
      }
      throw error;
    }
    try {
      await action(config, createLogger(config.LOG_LEVEL, chooseLogFormat(env.LOG_FORMAT, config.LOG_FORMAT, process.stdout.isTTY === true)));
    } catch (error) {
      // Temporal is not there: one line that says where and what to check, not a gRPC stack trace.
      if (!(error instanceof TemporalUnreachableError)) throw error;
      process.stderr.write(`forgebot: ${error.message}\n`);
      process.exit(2);
    }
  };
}

const program = new Command()
  .name('forgebot')
  .description('Turns code-forge events into durable, sandboxed Claude agent work on Temporal.\nConfiguration comes from the environment (see README).')
  .version(versionLine(), '-V, --version');

program.command('server').description('run the webhook receiver (POST /webhook/gitlab, POST /webhook/github, /healthz, /readyz)').action(withConfig(runServer));
program.command('worker').description('run the Temporal worker for workflows and forge activities').action(withConfig(runWorker));
program.command('agent-worker').description('run the Temporal worker that runs sandboxed agent jobs, AGENT_CONCURRENCY at a time').action(withConfig(runAgentWorker));
program.command('search-attributes').description("register forgebot's custom search attributes in the Temporal namespace").action(withConfig(runSearchAttributes));
program
  .command('dev')
  .description('run everything locally (Temporal dev server if needed); demo mode without GitLab/Anthropic credentials')
  .option('--once', 'exit once the demo has shown its review and its Sentry fix MR')
  .action(async (options: { once?: boolean }) => withConfig((config, logger) => runDev(config, logger, { once: options.once === true }))());

program
  .command('eval')
  .description('run the review evaluation corpus through the runner (heuristic fake model, or the real API with ANTHROPIC_API_KEY); prints a table, writes JSON')
  .option('--case <id>', 'run only this case (repeatable)', (id: string, ids: string[]) => [...ids, id], [] as string[])
  .option('--out <file>', 'write the JSON report here (default: bench/eval/results/eval-<time>.json)')
  .option('--reviewer <kind>', 'heuristic (fake model) or anthropic (real API); default: anthropic when ANTHROPIC_API_KEY is set')
  .option('--window <lines>', 'line window for matching findings to expected issues (default 3)')
  .action(async (options: RawEvalOptions) => {
    try {
      const parsed = parseEvalOptions(options);
      await withConfig((config, logger) => runEvalCommand(config, logger, parsed))();
    } catch (error) {
      if (!(error instanceof EvalUsageError)) throw error;
      process.stderr.write(`forgebot eval: ${error.message}\n`);
      process.exitCode = 2;
    }
  });

/** Runs an operator command; a usage problem (unknown workflow, bad filter) is one line on stderr and exit code 2. */
const operator = (run: (config: Config) => Promise<void>) => async () => {
  try {
    await withConfig((config) => run(config))();
  } catch (error) {
    if (!(error instanceof ReviewsUsageError)) throw error;
    process.stderr.write(`forgebot reviews: ${error.message}\n`);
    process.exitCode = 2;
  }
};
const reviews = program.command('reviews').description('operate review workflows (or, with --kind, another kind): list, status, cancel (the Temporal Web UI shows the same)');
const kindOption = ['--kind <kind>', 'the kind of workflow (default review)'] as const;
/** `--kind` as a workflow kind: an unknown one is a usage error. */
const kindOf = (value: string | undefined) => (value === undefined ? {} : { workflowKind: parseWorkflowKind(value) });
reviews
  .command('list')
  .description('running review workflows (or workflows of --kind), newest first')
  .option(...kindOption)
  .option('--repository <path>', 'only this repository (group/project or owner/repo)')
  .option('--phase <phase>', `only this phase (${workflowPhases.review?.join(', ') ?? 'any'})`)
  .option('--subject <key>', 'only the workflow of this subject (change:gitlab:42:7, sentry-issue:acme:123, jira-ticket:PROJ-7)')
  .option('--json', 'print JSON')
  .action((options: { kind?: string; repository?: string; phase?: string; subject?: string; json?: boolean }) =>
    operator((config) => {
      const { workflowKind } = kindOf(options.kind);
      const filters = { ...(workflowKind && { kind: workflowKind }), ...(options.repository && { repository: options.repository }), ...(options.phase && { phase: options.phase }), ...(options.subject && { subject: options.subject }) };
      return runReviewsCommand(config, { kind: 'list', filters, json: options.json === true });
    })(),
  );
reviews
  .command('status <workflow-id-or-subject>')
  .description("a review workflow's status: phase, SHAs, last usage, cost and error (by workflow id or subject key)")
  .option(...kindOption)
  .action((target: string, options: { kind?: string }) => operator((config) => runReviewsCommand(config, { kind: 'status', target, ...kindOf(options.kind) }))());
reviews
  .command('cancel <workflow-id-or-subject>')
  .description('stop the running review of a change (its agent job is killed); the next push is reviewed as usual')
  .option(...kindOption)
  .option('--reason <text>', 'why, recorded in the workflow status')
  .action((target: string, options: { kind?: string; reason?: string }) =>
    operator((config) => runReviewsCommand(config, { kind: 'cancel', target, ...kindOf(options.kind), ...(options.reason && { reason: options.reason }) }))(),
  );

/** A person's decision at a workflow's gate; a refusal (its reason) is one line on stderr and exit code 1. */
const decide = (command: DecideCommand) => async () => {
  try {
    await withConfig((config) => runDecideCommand(config, command))();
  } catch (error) {
    if (!(error instanceof DecisionRefused)) throw error;
    process.stderr.write(`forgebot ${command.decision}: refused: ${error.message}\n`);
    process.exitCode = 1;
  }
};
program
  .command('approve <workflow-id>')
  .description('approve at the gate a workflow waits at (e.g. the merge gate of a sentry-fix workflow)')
  .option('--reason <text>', 'why, recorded in the workflow status')
  .option('--as <name>', 'who decides (default: your login name)')
  .action((workflowId: string, options: { reason?: string; as?: string }) =>
    decide({ decision: 'approve', workflowId, ...(options.reason !== undefined && { reason: options.reason }), ...(options.as !== undefined && { as: options.as }) })(),
  );
program
  .command('reject <workflow-id>')
  .description('reject at the gate a workflow waits at: its change is closed and its branch deleted')
  .requiredOption('--reason <text>', 'why (required), recorded in the workflow status and said on the subject')
  .option('--as <name>', 'who decides (default: your login name)')
  .action((workflowId: string, options: { reason: string; as?: string }) =>
    decide({ decision: 'reject', workflowId, reason: options.reason, ...(options.as !== undefined && { as: options.as }) })(),
  );

program
  .command('audit')
  .description('what forgebot did outside (notes, branches, changes, comments), who decided at its gates, and its agent jobs, newest first')
  .option('--repository <path>', 'only this repository (group/project or owner/repo)')
  .option('--subject <key>', 'only this subject and its workflow (change:gitlab:42:7, sentry-issue:acme:123, jira-ticket:PROJ-7)')
  .option('--since <when>', 'only rows since an ISO date or time, or an age (7d, 12h, 30m)')
  .option('--limit <n>', 'at most this many rows (default 100)')
  .option('--json', 'print JSON lines')
  .action(async (options: Omit<AuditCommand, 'json'> & { json?: boolean }) => {
    try {
      await withConfig((config) => runAuditCommand(config, { ...options, json: options.json === true }))();
    } catch (error) {
      if (!(error instanceof AuditUsageError)) throw error;
      process.stderr.write(`forgebot audit: ${error.message}\n`);
      process.exitCode = 2;
    }
  });

registerReviewMemoryCommands(program, (action) => withConfig(action)());

program
  .command('queue')
  .description('what runs and what waits on the agent task queue (agent jobs with their ages, the backlog), and the approvals waiting')
  .option('--json', 'print JSON')
  .action((options: { json?: boolean }) => withConfig((config) => runQueueCommand(config, { json: options.json === true }))());
program
  .command('replay <workflow-id>')
  .description("replay a workflow's history from Temporal on the current workflow code (a determinism check before a deploy); exit code 1 when it does not replay")
  .option('--run-id <id>', 'this run (default: the newest)')
  .option('--json', 'print JSON')
  .action(async (workflowId: string, options: { runId?: string; json?: boolean }) => {
    try {
      await withConfig(async (config) => {
        const replayed = await runReplayCommand(config, { workflowId, ...(options.runId !== undefined && { runId: options.runId }), json: options.json === true }, { quietRuntime: true });
        if (!replayed) process.exitCode = 1;
      })();
    } catch (error) {
      if (!(error instanceof ReplayUsageError)) throw error;
      process.stderr.write(`forgebot replay: ${error.message}\n`);
      process.exitCode = 2;
    }
  });
program
  .command('doctor')
  .description('check the configuration and everything it points at (Temporal, Redis, PostgreSQL, forge, Sentry and Jira tokens, the model key, Kubernetes), one line each with a fix; exit code 1 when a check fails')
  .option('--json', 'print JSON')
  .action(async (options: { json?: boolean }) => {
    const report = await runDoctor(process.env, { json: options.json === true });
    if (!report.ok) process.exitCode = 1;
  });

await program.parseAsync(process.argv);
