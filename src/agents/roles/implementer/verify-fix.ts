import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { Logger } from 'pino';
import type { FixVerification } from '../../../domain/agent-task.js';
import { MAX_COMMAND_OUTPUT_CHARS, type AgentPatch, type CommandRun } from '../../../domain/patch.js';
import type { RepoSettings } from '../../../domain/review-settings.js';
import { commandEnvironment } from '../../edit-tools/command-environment.js';
import { git } from '../../edit-tools/git.js';
import { runShellCommand } from '../../edit-tools/run-command.js';
import { withWorkingTreeIndex } from '../../edit-tools/scratch-index.js';

export interface FixProofOptions {
  /** The agent's checkout: its working tree holds the whole patch, and is left as it is. */
  repoDir: string;
  /** The clean copies are made in a folder here (outside repoDir), and removed after. */
  workspaceDir: string;
  headSha: string;
  /** The collected patch (against headSha): what the "after" run applies. */
  patch: AgentPatch;
  /** The patch's files the agent named as its test; undefined when it never submitted. */
  testPaths: readonly string[] | undefined;
  /** The declared command's name (`test`). */
  testCommand: string;
  settings: Pick<RepoSettings, 'commands' | 'changes'>;
  /** Where the command's PATH and LANG come from (see commandEnvironment); default: this process's environment. */
  env?: NodeJS.ProcessEnv;
  /** After a timeout's SIGTERM, SIGKILL follows this much later (default 5 s). */
  killGraceMs?: number;
  /** Applied to every command's text and output, and to the reason. */
  redact: (text: string) => string;
  log: Logger;
}

const MAX_REASON_CHARS = 2_000;
const seconds = (ms: number) => `${(ms / 1_000).toFixed(1)} s`;
const DIFF_OPTIONS = ['--cached', '--binary', '--full-index', '--no-renames', '--no-color', '--no-ext-diff', '--no-textconv', '--src-prefix=a/', '--dst-prefix=b/'];

/** `./test/a.js` and `test//a.js` name the patch's `test/a.js`. */
function normalizedPaths(paths: readonly string[]): string[] {
  return [...new Set(paths.map((path) => posix.normalize(path).replace(/^(\.\/)+/, '')))].slice(0, 50);
}

/** Why the named test cannot prove the fix before anything runs, if it cannot. */
function testPathProblem(testPaths: readonly string[] | undefined, patch: AgentPatch): string | undefined {
  if (testPaths === undefined) return 'The agent stopped before it submitted its work, so it named no test: the fix is not proven.';
  if (testPaths.length === 0) return 'The agent named no test file (test_paths is empty): the fix is not proven by a test that fails without it.';
  const inPatch = new Set(patch.files.map((file) => file.path));
  const missing = testPaths.filter((path) => !inPatch.has(path));
  if (missing.length > 0) return `The named test files are not part of the patch (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}): the test must be added or changed by the patch itself.`;
  if (patch.files.every((file) => testPaths.includes(file.path))) return 'The patch changes only its test files: there is no fix for the test to prove.';
  return undefined;
}

function endOf(run: CommandRun, timeoutMs: number): string {
  if (run.timedOut) return `ran past its timeout of ${seconds(timeoutMs)} and was killed`;
  if (run.exitCode !== null) return `exited with code ${run.exitCode} after ${seconds(run.durationMs)}`;
  return `was ended by ${run.signal ?? 'a signal'} after ${seconds(run.durationMs)}`;
}

/** A run that exited by itself (not killed at its timeout, not ended by a signal): its exit code means something. */
const exitedByItself = (run: CommandRun) => !run.timedOut && run.exitCode !== null;

/** The patch of just `paths` (their changes in the agent's working tree against headSha), as git apply takes it. */
async function partialPatch(repoDir: string, headSha: string, paths: readonly string[]): Promise<string> {
  const pathspecs = paths.map((path) => `:(literal)${path}`);
  return withWorkingTreeIndex(repoDir, headSha, (indexFile) => git(repoDir, ['diff', ...DIFF_OPTIONS, headSha, '--', ...pathspecs], { indexFile }));
}

/**
 * The runner's own proof of a fix, not the model's word: the declared test command runs on a clean copy of the head
 * with only the test files of the patch applied (it must fail: a non-zero exit of its own), then on another clean
 * copy with the whole patch (it must pass). Each copy is a fresh clone of the checkout with git hooks off, and each
 * run gets its own HOME and TMPDIR, so nothing the agent's commands or the first run left behind reaches the next.
 */
export async function verifyFix(options: FixProofOptions): Promise<FixVerification> {
  const { settings, testCommand: name, redact } = options;
  const testPaths = options.testPaths === undefined ? undefined : normalizedPaths(options.testPaths);
  const command = Object.hasOwn(settings.commands, name) ? settings.commands[name] : undefined;
  const timeoutMs = settings.changes.command_timeout_seconds * 1_000;
  const cleanRun = (run: CommandRun): CommandRun => ({ ...run, command: redact(run.command).slice(0, 2_000), output: redact(run.output).slice(0, MAX_COMMAND_OUTPUT_CHARS) });
  const result = (verdict: FixVerification['verdict'], reason: string, runs: { before?: CommandRun; after?: CommandRun } = {}): FixVerification => {
    options.log.info({ verdict, before: runs.before?.exitCode, after: runs.after?.exitCode }, 'fix verified');
    return {
      testPaths: testPaths ?? [],
      ...(runs.before ? { before: cleanRun(runs.before) } : {}),
      ...(runs.after ? { after: cleanRun(runs.after) } : {}),
      verdict,
      reason: redact(reason).slice(0, MAX_REASON_CHARS),
    };
  };

  if (command === undefined) return result('not-run', `The test command \`${name}\` is not declared in .forgebot.yml (\`commands:\`): the fix could not be proven.`);
  const problem = testPathProblem(testPaths, options.patch);
  if (problem !== undefined || testPaths === undefined) return result('no-test', problem ?? 'No test was named.');

  const dir = await mkdtemp(join(options.workspaceDir, 'fix-proof-'));
  const runIn = async (phase: 'before' | 'after', patchText: string): Promise<CommandRun> => {
    const phaseDir = join(dir, phase);
    const copy = join(phaseDir, 'repo');
    await mkdir(phaseDir);
    const patchFile = join(phaseDir, 'change.patch');
    await writeFile(patchFile, patchText);
    // A clone, not a worktree: the checkout's own config and hooks (which a declared command could have written)
    // do not come along; its objects are shared, not copied.
    await git(phaseDir, ['clone', '--quiet', '--shared', '--no-checkout', '--', options.repoDir, copy]);
    await git(copy, ['-c', 'core.hooksPath=/dev/null', '-c', 'advice.detachedHead=false', 'checkout', '--quiet', '--detach', options.headSha]);
    await git(copy, ['apply', '--whitespace=nowarn', '--', patchFile]);
    const env = await commandEnvironment(phaseDir, copy, options.env ?? process.env);
    return runShellCommand(name, command, { cwd: copy, env, timeoutMs, killGraceMs: options.killGraceMs ?? 5_000 });
  };
  const tests = testPaths.join(', ');
  const runs: { before?: CommandRun; after?: CommandRun } = {};
  try {
    const before = (runs.before = await runIn('before', await partialPatch(options.repoDir, options.headSha, testPaths)));
    if (!exitedByItself(before)) {
      return result('not-run', `Without the fix (only ${tests} applied), \`${name}\` ${endOf(before, timeoutMs)}: that is not a clean failure, so it proves nothing.`, runs);
    }
    if (before.exitCode === 0) {
      return result('passed-before', `The test passes without the fix: with only ${tests} applied, \`${name}\` ${endOf(before, timeoutMs)}. It does not reproduce the error.`, runs);
    }
    const after = (runs.after = await runIn('after', options.patch.patch));
    const failedBefore = `Without the fix (only ${tests} applied), \`${name}\` ${endOf(before, timeoutMs)}`;
    if (!exitedByItself(after)) return result('not-run', `${failedBefore}; with the whole patch it ${endOf(after, timeoutMs)}: no clean pass.`, runs);
    if (after.exitCode !== 0) return result('failed-after', `${failedBefore}, and with the whole patch it still fails: it ${endOf(after, timeoutMs)}.`, runs);
    return result('proven', `${failedBefore}; with the whole patch it passes (${endOf(after, timeoutMs)}).`, runs);
  } catch (error) {
    return result('not-run', `The fix could not be checked (${runs.before ? 'with the whole patch' : 'with the test files alone'}): ${error instanceof Error ? error.message : String(error)}`, runs);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
