import { redactSecrets } from '../../domain/redact.js';

/** ok ✓, fail ✗ (exit code 1), skip – (not configured, or not checkable without another check). */
export type CheckStatus = 'ok' | 'fail' | 'skip';

/** One line of `forgebot doctor`: what was found, and on a failure the one-line fix. */
export interface CheckResult {
  name: string;
  status: CheckStatus;
  detail: string;
  hint?: string;
}

export type Verdict = Omit<CheckResult, 'name'>;

/**
 * One thing `forgebot doctor` verifies. `hint` is the fix shown when `run` throws or does not answer in time; a
 * check that knows better (a missing scope, a wrong namespace) answers its own failing Verdict with its own hint.
 */
export interface Check {
  name: string;
  hint: string;
  run(signal: AbortSignal): Promise<Verdict>;
}

export const ok = (detail: string): Verdict => ({ status: 'ok', detail });
export const fail = (detail: string, hint: string): Verdict => ({ status: 'fail', detail, hint });
export const skip = (detail: string): Verdict => ({ status: 'skip', detail });

/** An error's first line and its causes' (a client's "Connection error." says little without its cause), bounded. */
export function reasonOf(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current !== undefined && current !== null; depth++) {
    const message = current instanceof Error ? current.message || current.name : String(current);
    const line = (message.split('\n').find((text) => text.trim() !== '') ?? message).trim().replace(/[.:]$/, '');
    if (line && !parts.some((part) => part.includes(line))) parts.push(line);
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(': ').slice(0, 300);
}

/** Runs one check within `timeoutMs` (its signal aborts then); a throw or a timeout is a failure with the check's hint. */
export async function runCheck(check: Check, options: { timeoutMs: number; secrets: readonly string[] }): Promise<CheckResult> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<Verdict>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new Error(`no answer within ${options.timeoutMs / 1000} s`));
      resolve(fail(`no answer within ${options.timeoutMs / 1000} s`, check.hint));
    }, options.timeoutMs);
  });
  let verdict: Verdict;
  try {
    verdict = await Promise.race([check.run(controller.signal).catch((error: unknown) => fail(reasonOf(error), check.hint)), deadline]);
  } finally {
    clearTimeout(timer);
  }
  // Nothing secret leaves a check: a server may echo a credential in an error, a URL may hold a password.
  const clean = (text: string) => redactSecrets(text, options.secrets).replace(/\s+/g, ' ').trim();
  return { name: check.name, status: verdict.status, detail: clean(verdict.detail), ...(verdict.hint !== undefined ? { hint: clean(verdict.hint) } : {}) };
}

/** Every check at once (each bounded by its timeout), results in the checks' order. */
export function runChecks(checks: readonly Check[], options: { timeoutMs: number; secrets: readonly string[] }): Promise<CheckResult[]> {
  return Promise.all(checks.map((check) => runCheck(check, options)));
}
