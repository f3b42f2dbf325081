// What network isolation costs the local sandbox per job: a trivial runner, run N times on the host network and in
// a private network namespace (unshare + egress proxy + netns shim). Prints milliseconds per job.
import { jobOf } from '../test/helpers/review-task.js';
import { createLocalSandbox } from '../src/activities/sandbox/local.js';
import { detectNetworkIsolation, type SandboxNetwork } from '../src/activities/sandbox/isolation.js';
import { SandboxError } from '../src/activities/sandbox/sandbox.js';
import { frame } from '../src/agents/result-frame.js';
import { createLogger } from '../src/logger.js';

const RUNS = Number(process.argv[2] ?? 10);
const logger = createLogger('silent');
const task = {
  role: 'reviewer' as const,
  request: { ref: { forge: 'gitlab' as const, projectId: 1, projectPath: 'g/p', number: 1 }, headSha: 'a'.repeat(40), title: 't', author: 'a', sourceBranch: 's', targetBranch: 'main', webUrl: 'http://gitlab.invalid/g/p/-/merge_requests/1', draft: false },
  repository: { cloneUrl: 'https://gitlab.invalid/g/p.git', baseSha: 'b'.repeat(40), headSha: 'a'.repeat(40) },
  changedPaths: [],
  model: 'claude-test',
  limits: { maxTurns: 1, maxOutputTokens: 100, tokenBudget: 1000 },
};
const runner = [process.execPath, '-e', `process.stdout.write(${JSON.stringify(frame({ error: { code: 'DONE', message: 'ok' } }))})`];

async function perJob(network: SandboxNetwork): Promise<number> {
  const sandbox = createLocalSandbox({ logger, runnerCommand: runner, network });
  const run = () => sandbox.run(jobOf(`bench-${network}`, task, 30_000), {}, { signal: new AbortController().signal }).catch((error: unknown) => {
    if (!(error instanceof SandboxError) || error.runnerCode !== 'DONE') throw error;
  });
  await run(); // warm-up (detection, caches)
  const start = performance.now();
  for (let i = 0; i < RUNS; i += 1) await run();
  return (performance.now() - start) / RUNS;
}

const detected = await detectNetworkIsolation();
const host = await perJob('host');
console.log(`host network:      ${host.toFixed(0)} ms per job (${RUNS} runs)`);
if (detected.kind === 'none') {
  console.log(`isolated:          unavailable here (${detected.reason})`);
} else {
  const isolated = await perJob('isolated');
  console.log(`network namespace: ${isolated.toFixed(0)} ms per job (+${(isolated - host).toFixed(0)} ms)`);
}
