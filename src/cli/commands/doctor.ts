import { ConfigError, loadConfig, type Config } from '../../config.js';
import { fail, ok, runChecks, type Check, type CheckResult } from '../doctor/check.js';
import { gitlabCloneTokenCheck, gitlabTokenCheck } from '../doctor/gitlab-checks.js';
import { githubCheck } from '../doctor/github-check.js';
import { kubernetesCheck } from '../doctor/kubernetes-check.js';
import { renderChecks } from '../doctor/render.js';
import { secretsOf } from '../doctor/secrets.js';
import { jiraCheck, modelCheck, sentryCheck } from '../doctor/service-checks.js';
import { postgresCheck, redisCheck } from '../doctor/store-checks.js';
import { temporalChecks, type ConnectTemporal } from '../doctor/temporal-checks.js';

/** How long each check may take. */
export const CHECK_TIMEOUT_MS = 5_000;

export interface DoctorOptions {
  json: boolean;
  timeoutMs?: number;
  /** For tests: how Temporal is reached (default connectTemporalClient). */
  connectTemporal?: ConnectTemporal;
  out?: (text: string) => void;
}

export interface DoctorReport {
  ok: boolean;
  checks: CheckResult[];
}

/** Every check of a configuration that parses, in the order they print. */
function checksFor(config: Config, timeoutMs: number, connectTemporal: ConnectTemporal | undefined) {
  const temporal = temporalChecks(config, timeoutMs, connectTemporal);
  const checks: Check[] = [
    ...temporal.checks,
    redisCheck(config, timeoutMs),
    postgresCheck(config, timeoutMs),
    gitlabTokenCheck(config, timeoutMs),
    gitlabCloneTokenCheck(config, timeoutMs),
    githubCheck(config, timeoutMs),
    sentryCheck(config, timeoutMs),
    jiraCheck(config, timeoutMs),
    modelCheck(config, timeoutMs),
    kubernetesCheck(config),
  ];
  return { checks, close: temporal.close };
}

/**
 * `forgebot doctor [--json]`: the configuration, then everything it points at, one line each with a fix. Every check
 * has a timeout, and nothing secret is printed (every credential of the environment is redacted from every line).
 * Answers the report; the CLI's exit code is 1 when a check failed.
 */
export async function runDoctor(env: Record<string, string | undefined>, options: DoctorOptions): Promise<DoctorReport> {
  const out = options.out ?? ((text: string) => process.stdout.write(text));
  const timeoutMs = options.timeoutMs ?? CHECK_TIMEOUT_MS;
  const secrets = secretsOf(env);
  let config: Config | undefined;
  const configuration: Check = {
    name: 'configuration',
    hint: 'fix the variables named (README: Configuration); the other checks need a configuration that parses',
    async run() {
      try {
        config = loadConfig(env);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        // The problems name the variables, never their values.
        return fail(`${error.problems.length} problem${error.problems.length === 1 ? '' : 's'}: ${error.problems.join('; ')}`, this.hint);
      }
      return ok(`parses (SANDBOX=${config.SANDBOX}, TEMPORAL_NAMESPACE=${config.TEMPORAL_NAMESPACE}, AGENT_TASK_QUEUE=${config.AGENT_TASK_QUEUE})`);
    },
  };
  const results = await runChecks([configuration], { timeoutMs, secrets });
  if (config) {
    const { checks, close } = checksFor(config, timeoutMs, options.connectTemporal);
    try {
      results.push(...(await runChecks(checks, { timeoutMs, secrets })));
    } finally {
      await close();
    }
  }
  const report = { ok: results.every((result) => result.status !== 'fail'), checks: results };
  out(options.json ? `${JSON.stringify(report, null, 2)}\n` : renderChecks(results));
  return report;
}
