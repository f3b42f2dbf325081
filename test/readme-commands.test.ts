// A new user's first hour: every command the README's Quick start and Commands sections show, run the way the
// README shows it in a checkout — `./forgebot …`, `npm run forgebot -- …` with a host Node.js older than the
// project's, and against a Temporal that is down. A command added to those sections without a test here fails the
// first test.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { MINIMUM_NODE_MAJOR } from '../src/cli/require-node.js';
import { bareEnv, closedPort, fakeOldNode, forgebotCommand, hostPath, linesOf, realOldNode, repoRoot, runIn, type Ran } from './helpers/forgebot-command.js';

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

function section(title: string): string {
  const start = readme.indexOf(`\n## ${title}\n`);
  assert.ok(start >= 0, `README has a "## ${title}" section`);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

/** A command as the README shows it, without its optional parts and placeholders: `forgebot eval [--case <id>]…` → `forgebot eval`. */
const normalize = (command: string) => command.replace(/\[[^\]]*\]|<[^>]*>|…/g, ' ').replace(/\\\|/g, '|').replace(/\s+/g, ' ').trim();

/** Every command of the Quick start and Commands sections: code-block lines, the table's first column, inline commands. */
function shownCommands(): Set<string> {
  const commands = new Set<string>();
  for (const text of [section('Quick start'), section('Commands')]) {
    for (const block of text.matchAll(/```sh\n([\s\S]*?)```/g)) {
      for (const line of (block[1] ?? '').split('\n')) if (line.replace(/#.*/, '').trim()) commands.add(normalize(line.replace(/#.*/, '')));
    }
    for (const row of text.matchAll(/^\| `([^`]+)` \|/gm)) commands.add(normalize(row[1] ?? ''));
    for (const span of text.replace(/```[\s\S]*?```/g, '').matchAll(/`((?:\.\/forgebot|npm run|node |make )[^`]*)`/g)) commands.add(normalize(span[1] ?? ''));
  }
  return commands;
}

/** How each shown command is exercised: a test name below, or where else it runs. */
const coverage: Record<string, string> = {
  'make dev': 'make -n: the targets run the commands below on the project Node.js (make dev is `forgebot dev` after setup)',
  'make test': 'make -n: the targets run the commands below on the project Node.js (make test is this suite)',
  './forgebot --help': './forgebot --help and --version',
  './forgebot reviews list': 'reviews list / status / cancel against a Temporal that is down',
  './forgebot': './forgebot --help and --version',
  'npm run forgebot --': 'npm run forgebot -- --help with an older Node.js first on PATH',
  'node bin/forgebot.js': 'node bin/forgebot.js on an older Node.js',
  'forgebot server': 'forgebot server starts and answers /healthz with Temporal down',
  'forgebot worker': 'worker, agent-worker, search-attributes against a Temporal that is down',
  'forgebot agent-worker': 'worker, agent-worker, search-attributes against a Temporal that is down',
  'forgebot search-attributes': 'worker, agent-worker, search-attributes against a Temporal that is down',
  'forgebot dev': 'test/cli.test.ts (forgebot dev --once: demo mode with a real Temporal dev server, the scripted model)',
  'forgebot eval': 'forgebot eval with the heuristic model: shown as scripted, no cost',
  'forgebot reviews list': 'reviews list / status / cancel against a Temporal that is down',
  'forgebot reviews status': 'reviews list / status / cancel against a Temporal that is down',
  'forgebot reviews cancel': 'reviews list / status / cancel against a Temporal that is down',
  './forgebot approve': 'reviews list / status / cancel against a Temporal that is down (approve and reject too); test/cli.test.ts (forgebot dev --once prints it for the demo fix MR)',
  'forgebot approve': 'reviews list / status / cancel against a Temporal that is down (approve and reject too); test/sentry-fix-workflow.test.ts decides at a real gate',
  'forgebot reject --reason': 'reviews list / status / cancel against a Temporal that is down (approve and reject too); test/sentry-fix-workflow.test.ts decides at a real gate',
  'forgebot queue': 'test/cli-queue.test.ts (./forgebot queue --json and the table against a real Temporal dev server: a running agent job, the backlog, an approval)',
  'forgebot replay': 'test/cli-replay.test.ts (./forgebot replay of a real review history: OK, exit 0; of a changed workflow: FAILED, exit 1)',
  'forgebot doctor': 'test/cli-doctor.test.ts (./forgebot doctor with everything reachable: exit 0; bad tokens, an unreachable Redis: exit 1)',
  'forgebot audit': 'test/audit-cli.test.ts (./forgebot audit --json against a real PostgreSQL database; a bad --since exits 2)',
  'forgebot --help': './forgebot --help and --version',
  'forgebot --version': './forgebot --help and --version',
};

/** The one line a command prints when Temporal does not answer at `port`. */
function assertTemporalDownLine(ran: Ran, port: number): void {
  assert.equal(ran.code, 2, `exit code 2 (stderr: ${ran.stderr})`);
  const lines = linesOf(ran.stderr);
  assert.equal(lines.length, 1, `one line on stderr, not:\n${ran.stderr}`);
  assert.match(lines[0] ?? '', new RegExp(`^forgebot: cannot reach Temporal \\(TEMPORAL_ADDRESS=127\\.0\\.0\\.1:${port}, namespace default, no TLS\\) within 3 s: connection refused: nothing listens there\\. Check that the Temporal server is running`));
  assert.doesNotMatch(ran.stdout + ran.stderr, /^\s+at /m, 'no stack trace anywhere');
}

describe('the commands the README shows', () => {
  const cleanups: (() => void)[] = [];
  after(() => cleanups.forEach((cleanup) => cleanup()));

  test('every command of the Quick start and Commands sections is exercised here (or named where it is)', () => {
    const shown = [...shownCommands()].sort();
    assert.deepEqual(shown.filter((command) => !(command in coverage)), [], 'a command the README shows has no test');
    assert.deepEqual(Object.keys(coverage).filter((command) => !shown.includes(command)).sort(), [], 'a test covers a command the README no longer shows');
  });

  test('./forgebot --help and --version', async () => {
    const help = await forgebotCommand(['--help']);
    assert.equal(help.code, 0, help.stderr);
    for (const command of ['server', 'worker', 'agent-worker', 'search-attributes', 'dev', 'eval', 'reviews']) assert.match(help.stdout, new RegExp(`^  ${command}\\b`, 'm'));
    assert.match(help.stdout, /-V, --version/);
    for (const flag of ['--version', '-V']) {
      const shown = await forgebotCommand([flag]);
      assert.equal(shown.code, 0, shown.stderr);
      assert.match(shown.stdout, new RegExp(`^forgebot ${version.replace(/\./g, '\\.')} \\(Node\\.js (\\d+)\\.\\d+\\.\\d+\\)\\n$`));
      assert.ok(Number(/Node\.js (\d+)/.exec(shown.stdout)?.[1]) >= MINIMUM_NODE_MAJOR, 'runs on the project Node.js, whatever the host has');
    }
  });

  test('reviews list / status / cancel against a Temporal that is down', async () => {
    const port = await closedPort();
    const down = { TEMPORAL_ADDRESS: `127.0.0.1:${port}` };
    for (const args of [['reviews', 'list'], ['reviews', 'status', 'change:gitlab:42:7'], ['reviews', 'cancel', 'review:gitlab:42:7', '--reason', 'first hour'], ['approve', 'sentry-fix:acme:1'], ['reject', 'sentry-fix:acme:1', '--reason', 'first hour']]) {
      assertTemporalDownLine(await forgebotCommand(args, down), port);
    }
    // A phase no review has is refused before anything is asked of Temporal.
    const bogus = await forgebotCommand(['reviews', 'list', '--phase', 'bogus'], down);
    assert.equal(bogus.code, 2);
    assert.deepEqual(linesOf(bogus.stderr), ['forgebot reviews: unknown review phase "bogus" (known: waiting, debouncing, reviewing, publishing, failed, closed)']);
  });

  test('worker, agent-worker, search-attributes against a Temporal that is down', async () => {
    const port = await closedPort();
    for (const command of ['worker', 'agent-worker', 'search-attributes']) {
      const ran = await forgebotCommand([command], { TEMPORAL_ADDRESS: `127.0.0.1:${port}` });
      assertTemporalDownLine(ran, port);
      // Not a terminal: the structured log of a worker that exits (for its orchestrator) is JSON, with the same line
      // and without the gRPC library's stacks (an ExplainedError is logged as its message).
      for (const line of linesOf(ran.stdout)) assert.doesNotThrow(() => JSON.parse(line), `a JSON log line: ${line}`);
      assert.doesNotMatch(ran.stdout, /"stack"/);
    }
  });

  test('forgebot server starts and answers /healthz with Temporal down', async () => {
    const outbox = mkdtempSync(join(tmpdir(), 'forgebot-first-hour-outbox-'));
    cleanups.push(() => rmSync(outbox, { recursive: true, force: true }));
    const env = bareEnv({ PORT: '0', TEMPORAL_ADDRESS: `127.0.0.1:${await closedPort()}`, OUTBOX_DIR: outbox, LOG_LEVEL: 'info' });
    const server = spawn('./forgebot', ['server'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the server did not log "webhook server listening" within 60 s')), 60_000);
        let seen = '';
        server.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          seen += chunk;
          const found = /"url":"(http:\/\/[^"]+)"[^\n]*"msg":"webhook server listening"/.exec(seen);
          if (found?.[1]) {
            clearTimeout(timer);
            resolve(found[1]);
          }
        });
        void exited.then((code) => reject(new Error(`the server exited (${code}) before listening: ${seen}`)));
      });
      const health = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(10_000) });
      assert.equal(health.status, 200);
    } finally {
      server.kill('SIGTERM');
      const timer = setTimeout(() => server.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    }
  });

  test('forgebot eval with the heuristic model: shown as scripted, no cost', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'forgebot-first-hour-eval-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const ran = await forgebotCommand(['eval', '--case', 'ts-sql-injection', '--reviewer', 'heuristic', '--out', join(dir, 'report.json')], {}, 120_000);
    assert.equal(ran.code, 0, ran.stderr);
    assert.match(ran.stderr, /against the heuristic fake model \(scripted, on this machine: no API calls, no cost\)/);
    assert.match(ran.stdout, /^forgebot eval — heuristic \(scripted-heuristic-reviewer\), 1 cases/m);
    assert.match(ran.stdout, /^total: no cost \(scripted model, no API calls\), /m);
    assert.doesNotMatch(ran.stdout, /claude-|\$\d/, 'no real model name, no dollar amount');
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as { target: unknown; totals: { costUsd: unknown } };
    assert.deepEqual([report.target, report.totals.costUsd], [{ kind: 'heuristic', model: 'scripted-heuristic-reviewer' }, null]);
  });

  test('npm run forgebot -- --help with an older Node.js first on PATH', async () => {
    const real = realOldNode(MINIMUM_NODE_MAJOR);
    const old = real ?? fakeOldNode();
    if (!real) cleanups.push(() => rmSync(old.dir, { recursive: true, force: true }));
    const path = [old.dir, hostPath()].join(delimiter);
    const npm = [old.dir, ...hostPath().split(delimiter)].map((dir) => join(dir, 'npm')).find((candidate) => existsSync(candidate));
    assert.ok(npm, 'npm is on PATH');
    // A real old Node.js runs npm itself, as a person types it; a stand-in cannot, so npm runs on this Node.js while
    // the stand-in stays first on PATH for the script npm starts.
    const ran = real
      ? await runIn(npm, ['run', 'forgebot', '--', '--help'], bareEnv({ PATH: path }))
      : await runIn(process.execPath, [realpathSync(npm), 'run', 'forgebot', '--', '--help'], bareEnv({ PATH: path }));
    if (ran.code === 0) {
      assert.match(ran.stdout, /Usage: forgebot \[options\] \[command\]/, 'it works, through the project Node.js');
    } else {
      // Without .tools/node (no `make setup` yet) it may only refuse: in one line, with the fix.
      assert.equal(ran.code, 2, ran.stderr);
      assert.match(linesOf(ran.stderr).at(-1) ?? '', /^forgebot: .*make setup/);
    }
    assert.doesNotMatch(ran.stderr, /TypeError|^\s+at /m, 'never a crash in a dependency');
  });

  test('node bin/forgebot.js on an older Node.js', { skip: realOldNode(MINIMUM_NODE_MAJOR) ? false : `no Node.js older than ${MINIMUM_NODE_MAJOR} on this machine (the refusal's text is checked in test/cli.test.ts)` }, async () => {
    const old = realOldNode(MINIMUM_NODE_MAJOR)!;
    for (const args of [['bin/forgebot.js', '--help'], ['--import', 'tsx', 'src/cli/main.ts', 'reviews', 'list']]) {
      const ran = await runIn(join(old.dir, 'node'), args, bareEnv());
      assert.equal(ran.code, 2, ran.stderr);
      assert.deepEqual(linesOf(ran.stderr), [
        `forgebot: Node.js ${old.version} (${join(old.dir, 'node')}) is too old: forgebot needs Node.js ${MINIMUM_NODE_MAJOR} or newer. Run \`make setup\` once (it installs Node.js ${MINIMUM_NODE_MAJOR} into .tools/node), then \`./forgebot …\` or \`npm run forgebot -- …\``,
      ]);
      assert.equal(ran.stdout, '');
    }
  });

  test('make -n: the targets run the commands below on the project Node.js', async () => {
    for (const target of ['dev', 'test']) {
      const ran = await runIn('make', ['-n', '--no-print-directory', target], bareEnv());
      assert.equal(ran.code, 0, ran.stderr);
      for (const line of linesOf(ran.stdout).filter((entry) => /\b(node|npm)\b/.test(entry) && !entry.includes('setup.sh'))) {
        assert.match(line, /^(LOG_FORMAT=\S+ )?\.\/scripts\/with-tools\.sh /, `through the project toolchain: ${line}`);
      }
    }
    // `make test` says what it did not run when a step fails (the steps run in order and stop at the first failure).
    const makefile = readFileSync(join(repoRoot, 'Makefile'), 'utf8');
    assert.match(makefile, /failed \(exit %s\); not run: %s/);
    assert.match(makefile, /\$\(call step,npm test,the evaluation corpus \(make eval\)\)/);
  });
});
