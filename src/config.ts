import { z } from 'zod';
import { COMMAND_TRIGGER_PATTERN, DEFAULT_COMMAND_TRIGGER } from './domain/command-parser.js';
import { JiraRepositoriesSetting } from './activities/jira/jira-repositories-setting.js';
import { DEFAULT_READY_STATUS } from './webhooks/jira/decide-jira-action.js';
import { JiraProjects } from './webhooks/jira/jira-project-allowlist.js';
import { GitHubAllowedRepositories, GitLabAllowedProjects } from './webhooks/project-allowlist.js';
import { SentryProjectsSetting } from './webhooks/sentry/sentry-projects-setting.js';

/** Comma-separated list, blanks dropped: `a, b,,c` → ['a', 'b', 'c']. */
const csv = z
  .string()
  .transform((value) => value.split(',').map((part) => part.trim()).filter((part) => part.length > 0));

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const positiveInt = z.coerce.number().int().positive();

/** A Kubernetes resource quantity: `250m`, `1`, `0.5`, `512Mi`, `1G`. */
const quantity = z.string().regex(/^\d+(\.\d+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/, 'a Kubernetes quantity such as 250m, 1, 512Mi');

/** Every environment variable forgebot reads, in one place. Nothing else reads process.env. */
export const Config = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    /** The worker processes' Prometheus endpoint, `GET /metrics` (src/workers/metrics/): unset, none; 0, any free port. */
    WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    LOG_FORMAT: z.enum(['json', 'pretty']).default('json'),
    TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    TEMPORAL_API_KEY: z.string().min(1).optional(),
    TEMPORAL_TLS: bool.default(false),
    TEMPORAL_TASK_QUEUE: z.string().min(1).default('forgebot'),
    AGENT_TASK_QUEUE: z.string().min(1).default('forgebot-agent'),
    AGENT_CONCURRENCY: positiveInt.default(1),
    AGENT_TIMEOUT_SECONDS: positiveInt.default(900),
    AGENT_HEARTBEAT_TIMEOUT_SECONDS: positiveInt.default(60),
    AGENT_MAX_TURNS: positiveInt.default(30),
    AGENT_MAX_OUTPUT_TOKENS: positiveInt.default(8192),
    AGENT_TOKEN_BUDGET: positiveInt.default(400_000),
    AGENT_COST_BUDGET_USD: z.coerce.number().positive().default(5),
    REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),
    DEDUPE_TTL_SECONDS: positiveInt.default(86_400),
    WEBHOOK_BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/i, 'a size such as 512kb or 2mb').default('2mb'),
    /** Webhook allowlists (src/webhooks/project-allowlist.ts): `group/project`, `group/*`; `owner/repo`, `owner/*`. Unset: every project. */
    GITLAB_ALLOWED_PROJECTS: GitLabAllowedProjects.optional(),
    GITHUB_ALLOWED_REPOSITORIES: GitHubAllowedRepositories.optional(),
    /** The webhook server's file outbox: deliveries held while Temporal and Redis are both down (src/webhooks/outbox/). */
    OUTBOX_DIR: z.string().min(1).default('.forgebot/outbox'),
    /** How often the server hands held deliveries to Temporal (and retries while it is down). */
    OUTBOX_DRAIN_INTERVAL_MS: positiveInt.default(1_000),
    GITLAB_URL: z.url({ protocol: /^https?$/ }).optional(),
    GITLAB_TOKEN: z.string().min(1).optional(),
    GITLAB_CLONE_TOKEN: z.string().min(1).optional(),
    GITLAB_WEBHOOK_SECRET: csv.optional(),
    GITHUB_API_URL: z.url({ protocol: /^https?$/ }).default('https://api.github.com'),
    GITHUB_TOKEN: z.string().min(1).optional(),
    GITHUB_APP_ID: positiveInt.optional(),
    /** PEM; `\n` escapes (one-line env files) become newlines. */
    GITHUB_APP_PRIVATE_KEY: z.string().min(1).transform((value) => value.replace(/\\n/g, '\n')).optional(),
    GITHUB_CLONE_TOKEN: z.string().min(1).optional(),
    GITHUB_WEBHOOK_SECRET: csv.optional(),
    GITHUB_APPROVE_WHEN_CLEAN: bool.default(false),
    REVIEW_DRAFTS: bool.default(false),
    /** Commands in comments on a change (src/domain/command-parser.ts): `<trigger> <verb> [argument]` on a line of its own. */
    COMMAND_TRIGGER: z.string().regex(COMMAND_TRIGGER_PATTERN, 'one word such as /claude or @forgebot (no spaces; not starting with a Markdown marker)').default(DEFAULT_COMMAND_TRIGGER),
    /** Whether other bots' comments may command forgebot (GitHub: a `Bot` sender; GitLab: project, group and service-account bot users). */
    COMMANDS_FROM_BOTS: bool.default(false),
    /** The access `approve` and `reject` need (GitHub's names; GitLab: maintain = Maintainer, admin = Owner). */
    COMMAND_APPROVE_ACCESS: z.enum(['write', 'maintain', 'admin']).default('maintain'),
    /**
     * Per person per hour, across every change of a forge (Redis; each change's own limits apply as well): answers
     * (explain, suggest, replies to findings) and reviews on request. Operators and maintainers count like anyone.
     */
    COMMAND_ANSWERS_PER_PERSON_PER_HOUR: positiveInt.default(20),
    COMMAND_REVIEWS_PER_PERSON_PER_HOUR: positiveInt.default(10),
    /** People those two limits do not count, by forge user id (never by name): `gitlab:12,github:345`. */
    COMMAND_LIMITS_EXEMPT: csv.pipe(z.array(z.string().regex(/^(gitlab|github):[1-9]\d{0,15}$/, 'a list of <forge>:<user id>, e.g. gitlab:12,github:345'))).optional(),
    /** forgebot's own user id on each forge: its own comments never command it (by id, never by name). */
    FORGEBOT_GITLAB_USER_ID: positiveInt.optional(),
    FORGEBOT_GITHUB_USER_ID: positiveInt.optional(),
    REVIEW_DEBOUNCE_SECONDS: z.coerce.number().min(0).default(10),
    REVIEWS_PER_RUN: positiveInt.default(50),
    ANTHROPIC_API_KEY: z.string().min(1).optional(),
    ANTHROPIC_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
    ANTHROPIC_MODEL: z.string().min(1).default('claude-sonnet-4-6'),
    SANDBOX: z.enum(['local', 'kubernetes']).default('local'),
    SANDBOX_WORK_DIR: z.string().min(1).optional(),
    SANDBOX_NETWORK: z.enum(['isolated', 'host', 'auto']).default('auto'),
    /** SANDBOX=kubernetes: the cluster (a kubeconfig file; unset in a cluster: the service account). */
    KUBECONFIG: z.string().min(1).optional(),
    /** Default: the agent-worker's own namespace in a cluster, else `default`. */
    KUBERNETES_NAMESPACE: z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'a DNS-1123 label').optional(),
    RUNNER_IMAGE: z.string().min(1).optional(),
    RUNNER_CPU_REQUEST: quantity.default('250m'),
    RUNNER_CPU_LIMIT: quantity.default('1'),
    RUNNER_MEMORY_REQUEST: quantity.default('512Mi'),
    RUNNER_MEMORY_LIMIT: quantity.default('1Gi'),
    RUNNER_JOB_TTL_SECONDS: z.coerce.number().int().min(0).default(600),
    RUNNER_UNSCHEDULABLE_TIMEOUT_SECONDS: z.coerce.number().positive().default(300),
    /** Claim check: large agent outputs are stored here and only a small reference goes through Temporal. */
    CLAIM_STORE: z.enum(['file', 'postgres']).default('file'),
    /** CLAIM_STORE=file: the directory (default `.forgebot/claims` under the working directory). */
    CLAIM_STORE_DIR: z.string().min(1).optional(),
    /** PostgreSQL (`postgres://user:password@host:5432/db`): required when CLAIM_STORE=postgres. */
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
    CLAIM_RETENTION_DAYS: positiveInt.default(30),
    /** The audit trail (src/audit/): `postgres` (DATABASE_URL), `pglite` (embedded, one process: `make dev`) or `off`; default postgres with DATABASE_URL, else pglite. */
    AUDIT_STORE: z.enum(['postgres', 'pglite', 'off']).optional(),
    /** AUDIT_STORE=pglite: the embedded database's directory (default `.forgebot/audit` under the working directory). */
    AUDIT_STORE_DIR: z.string().min(1).optional(),
    /** How long audit rows are kept (the worker prunes older ones daily). */
    AUDIT_RETENTION_DAYS: positiveInt.default(400),
    /** Sentry (src/webhooks/sentry/): the integration's client secret (comma-separated during a rotation); unset, `/webhook/sentry` is not mounted. */
    SENTRY_CLIENT_SECRET: csv.optional(),
    SENTRY_URL: z.url({ protocol: /^https?$/ }).transform((url) => url.replace(/\/+$/, '')).default('https://sentry.io'),
    /** The worker's Sentry API token (`event:read`, `project:read`, issue comments). */
    SENTRY_TOKEN: z.string().min(1).optional(),
    /** Sentry org/project → repository: a JSON array of SentryProjectMapping, or `@/path/to/file.json|.yml`. */
    SENTRY_PROJECTS: SentryProjectsSetting.optional(),
    /** Every project runs dry (analysis and patch posted on Sentry, no branch, no change), whatever its mapping says. */
    SENTRY_DRY_RUN: bool.default(false),
    SENTRY_TIMESTAMP_TOLERANCE_SECONDS: positiveInt.default(300),
    /** The fix's merge gate: how long it waits for a person, and when it reminds them. */
    SENTRY_GATE_EXPIRY_DAYS: z.coerce.number().positive().default(14),
    SENTRY_GATE_REMINDER_HOURS: z.coerce.number().positive().default(48),
    /** How often a waiting fix reads its change's state and pipeline. */
    SENTRY_POLL_INTERVAL_SECONDS: positiveInt.default(300),
    /** How often a ticket's run reads its change's pipeline (and state) while it waits for it (read at each wait). */
    JIRA_PIPELINE_POLL_SECONDS: positiveInt.default(60),
    /** Jira (src/webhooks/jira/): the webhook's secret (comma-separated during a rotation); unset, `/webhook/jira` is not mounted. */
    JIRA_WEBHOOK_SECRET: csv.optional(),
    /** The status whose entry starts a ticket's work (and whose exit stops it): its id or its name (any case). */
    JIRA_READY_STATUS: z.string().trim().min(1).max(255).default(DEFAULT_READY_STATUS),
    /** Jira project keys acted on (`PROJ,OPS`); unset: every project, as the forges' allowlists (src/webhooks/jira/jira-project-allowlist.ts). */
    JIRA_PROJECTS: JiraProjects.optional(),
    /** The Jira site the worker reads tickets from and comments on (`https://acme.atlassian.net`; Server/DC with its context path). */
    JIRA_URL: z.url({ protocol: /^https?$/ }).optional(),
    /** Jira Cloud: forgebot's Atlassian account e-mail and its API token (Basic). */
    JIRA_EMAIL: z.string().trim().min(3).max(320).optional(),
    JIRA_API_TOKEN: z.string().min(1).optional(),
    /** Instead of JIRA_EMAIL + JIRA_API_TOKEN: a bearer token (an OAuth access token, a Data Center personal access token). */
    JIRA_TOKEN: z.string().min(1).optional(),
    /** Jira project → repository: a JSON array of JiraRepositoryMapping (src/domain/jira/ticket-mapping.ts). Unset: every ticket is unmapped. */
    JIRA_REPOSITORIES: JiraRepositoriesSetting.optional(),
    /** A custom field holding acceptance criteria (`customfield_10050`), read before the description's section. */
    JIRA_ACCEPTANCE_FIELD: z.string().regex(/^customfield_\d{1,10}$/, 'a custom field id such as customfield_10050').optional(),
  })
  .superRefine((config, ctx) => {
    if (config.SANDBOX === 'kubernetes' && !config.RUNNER_IMAGE) {
      ctx.addIssue({ code: 'custom', path: ['RUNNER_IMAGE'], message: 'is required when SANDBOX=kubernetes' });
    }
    if (config.GITLAB_URL && !config.GITLAB_TOKEN) {
      ctx.addIssue({ code: 'custom', path: ['GITLAB_TOKEN'], message: 'is required when GITLAB_URL is set' });
    }
    if (config.GITLAB_WEBHOOK_SECRET?.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['GITLAB_WEBHOOK_SECRET'], message: 'names no secret' });
    }
    if (config.GITHUB_WEBHOOK_SECRET?.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['GITHUB_WEBHOOK_SECRET'], message: 'names no secret' });
    }
    if ((config.GITHUB_APP_ID === undefined) !== (config.GITHUB_APP_PRIVATE_KEY === undefined)) {
      ctx.addIssue({ code: 'custom', path: [config.GITHUB_APP_ID === undefined ? 'GITHUB_APP_ID' : 'GITHUB_APP_PRIVATE_KEY'], message: 'GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY go together' });
    }
    if (config.GITHUB_TOKEN && config.GITHUB_APP_ID !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['GITHUB_TOKEN'], message: 'set either GITHUB_TOKEN or a GitHub App (GITHUB_APP_ID), not both' });
    }
    if (config.SENTRY_CLIENT_SECRET?.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['SENTRY_CLIENT_SECRET'], message: 'names no secret' });
    }
    if (config.SENTRY_CLIENT_SECRET && config.SENTRY_PROJECTS === undefined) {
      ctx.addIssue({ code: 'custom', path: ['SENTRY_PROJECTS'], message: 'is required when SENTRY_CLIENT_SECRET is set (an unmapped project is never acted on)' });
    }
    if (config.JIRA_WEBHOOK_SECRET?.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['JIRA_WEBHOOK_SECRET'], message: 'names no secret' });
    }
    for (const problem of jiraCredentialProblems(config)) ctx.addIssue({ code: 'custom', ...problem });
    if (config.SENTRY_GATE_REMINDER_HOURS >= config.SENTRY_GATE_EXPIRY_DAYS * 24) {
      ctx.addIssue({ code: 'custom', path: ['SENTRY_GATE_REMINDER_HOURS'], message: 'must be shorter than SENTRY_GATE_EXPIRY_DAYS' });
    }
    if (config.CLAIM_STORE === 'postgres' && !config.DATABASE_URL) {
      ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: 'is required when CLAIM_STORE=postgres' });
    }
    if (config.AUDIT_STORE === 'postgres' && !config.DATABASE_URL) {
      ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: 'is required when AUDIT_STORE=postgres' });
    }
  });
export type Config = z.infer<typeof Config>;

/** JIRA_URL goes with one credential: JIRA_EMAIL + JIRA_API_TOKEN (Basic), or JIRA_TOKEN (bearer); never a token without a site. */
function jiraCredentialProblems(config: { JIRA_URL?: string | undefined; JIRA_EMAIL?: string | undefined; JIRA_API_TOKEN?: string | undefined; JIRA_TOKEN?: string | undefined }): { path: string[]; message: string }[] {
  const problems: { path: string[]; message: string }[] = [];
  const basic = config.JIRA_EMAIL !== undefined || config.JIRA_API_TOKEN !== undefined;
  if ((config.JIRA_EMAIL === undefined) !== (config.JIRA_API_TOKEN === undefined)) {
    problems.push({ path: [config.JIRA_EMAIL === undefined ? 'JIRA_EMAIL' : 'JIRA_API_TOKEN'], message: 'JIRA_EMAIL and JIRA_API_TOKEN go together' });
  }
  if (basic && config.JIRA_TOKEN !== undefined) problems.push({ path: ['JIRA_TOKEN'], message: 'set either JIRA_TOKEN or JIRA_EMAIL + JIRA_API_TOKEN, not both' });
  if (config.JIRA_URL !== undefined && !basic && config.JIRA_TOKEN === undefined) {
    problems.push({ path: ['JIRA_API_TOKEN'], message: 'JIRA_URL needs a credential: JIRA_EMAIL + JIRA_API_TOKEN, or JIRA_TOKEN' });
  }
  if (config.JIRA_URL === undefined && (basic || config.JIRA_TOKEN !== undefined)) problems.push({ path: ['JIRA_URL'], message: 'is required when a Jira credential is set' });
  return problems;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment once, reporting every problem together. Values are never echoed (they may be secrets). */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = Config.safeParse(present);
  if (parsed.success) return parsed.data;
  throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`));
}
