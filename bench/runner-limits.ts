// Runner limits: what a crafted glob costs (picomatch on the caller's thread, at sizes that finish, versus
// matchPaths in its worker at the full crafted size), and the runner's peak RSS on a change with a 50 MB text file
// (the real runner in a child process, the scripted fake model in this one). Prints numbers; asserts nothing.
//   node --import tsx bench/runner-limits.ts
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import picomatch from 'picomatch';
import { matchPaths } from '../src/agents/glob.js';
import { parseFramedResult } from '../src/agents/result-frame.js';
import { FakeAnthropic } from '../src/fakes/anthropic/fake-anthropic.js';
import { toolUse } from '../src/fakes/anthropic/messages.js';
import { TestRepo } from '../test/helpers/git-repo.js';
import { reviewTask } from '../test/helpers/review-task.js';

const KEY = 'sk-ant-bench-0123456789';
const CRAFTED = '**/*a*a*a*a*a*a*a*a*a*a*a*a*b';
const ms = (value: number) => `${value.toFixed(1)} ms`;

/** The largest gap between 10 ms ticks while `work` runs: how long the event loop was blocked. */
async function loopLag<T>(work: () => Promise<T>): Promise<{ value: T; elapsed: number; lag: number }> {
  let last = performance.now();
  let lag = 0;
  const tick = setInterval(() => {
    const now = performance.now();
    lag = Math.max(lag, now - last - 10);
    last = now;
  }, 10);
  const started = performance.now();
  const value = await work();
  const elapsed = performance.now() - started;
  clearInterval(tick);
  return { value, elapsed, lag: Math.max(lag, performance.now() - last - 10) };
}

async function globs(): Promise<void> {
  console.log('## glob matching (a name of n × "a", no match)');
  console.log('| glob | n | on the caller\'s thread (picomatch) |');
  console.log('|---|---|---|');
  for (const [glob, sizes] of [['**/*a*a*b', [1_000, 2_000, 4_000]], ['**/*a*a*a*b', [100, 200, 400]], ['**/*a*a*a*a*b', [50, 100, 200]]] as const) {
    for (const n of sizes) {
      const matches = picomatch(glob, { dot: true, noextglob: true });
      const started = performance.now();
      matches('a'.repeat(n));
      console.log(`| \`${glob}\` | ${n} | ${ms(performance.now() - started)} |`);
    }
  }
  console.log('\n| glob | n | matchPaths (worker, 2 s budget) | answer | longest event-loop block |');
  console.log('|---|---|---|---|---|');
  for (const glob of [CRAFTED, '+(a|aa)*', '**/*.ts']) {
    const run = await loopLag(() =>
      matchPaths(glob, ['src/app.ts', 'a'.repeat(5_000)], { timeoutMs: 2_000, limit: 10 }).then(
        (found) => `${found.length} matched`,
        (error: unknown) => `refused (${error instanceof Error ? error.message.slice(0, 40) : 'error'}…)`,
      ),
    );
    console.log(`| \`${glob}\` | 5000 | ${ms(run.elapsed)} | ${run.value} | ${ms(run.lag)} |`);
  }
}

async function hugeFile(): Promise<void> {
  const text = Array.from({ length: 500_000 }, (_, index) => `huge ${String(index).padStart(9, '0')} ${'y'.repeat(84)}`).join('\n') + '\n';
  const repo = await TestRepo.create({ 'src/app.ts': 'export const a = 1;\n' });
  const workspace = await mkdtemp(join(tmpdir(), 'forgebot-bench-'));
  const model = new FakeAnthropic({ apiKey: KEY });
  await model.start();
  try {
    const base = await repo.git('rev-parse', 'HEAD');
    await repo.branch('feature');
    const head = await repo.commit({ 'src/app.ts': 'export const a = 2;\n', 'data/huge.txt': text }, 'huge file');
    model.script({ content: [toolUse('submit_review', { summary: 'ok', findings: [] })] });
    const runner = fileURLToPath(new URL('../src/agents/runner-main.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), runner], {
      cwd: workspace,
      env: { PATH: process.env.PATH, HOME: workspace, FORGEBOT_TASK: JSON.stringify(reviewTask(repo.dir, base, head)), ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: model.url, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    let peak = 0;
    const poll = setInterval(() => {
      void readFile(`/proc/${child.pid ?? 0}/status`, 'utf8').then(
        (status) => (peak = Math.max(peak, Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024)),
        () => undefined, // the runner has exited
      );
    }, 20);
    const started = performance.now();
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    clearInterval(poll);
    const frame = parseFramedResult(stdout);
    const notReviewed = 'result' in frame && frame.result.role === 'reviewer' ? frame.result.review.notReviewed : undefined;
    console.log('\n## a change with a 50 MB text file (the real runner, its own process)');
    console.log(`exit ${code}, ${ms(performance.now() - started)}, peak RSS ${(peak / 1024 / 1024).toFixed(0)} MB (VmHWM, sampled every 20 ms)`);
    console.log(`not reviewed: ${JSON.stringify(notReviewed)}`);
  } finally {
    await model.stop();
    await repo.remove();
    await rm(workspace, { recursive: true, force: true });
  }
}

await globs();
await hugeFile();
