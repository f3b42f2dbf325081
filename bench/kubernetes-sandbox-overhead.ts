// What the Kubernetes sandbox's control loop costs per job, on the fake API server: a trivial runner image run N
// times through create Job + Secret → watch → pod log, against the same process spawned directly. Prints
// milliseconds per job and API requests per job (the fake kubelet runs real processes; a real cluster adds
// scheduling and image start-up on top).
import { spawnSync } from 'node:child_process';
import { KubeConfig } from '@kubernetes/client-node';
import { createRunnerJobsApi } from '../src/activities/sandbox/kubernetes/api.js';
import { createKubernetesSandbox } from '../src/activities/sandbox/kubernetes/kubernetes-sandbox.js';
import { frame } from '../src/agents/result-frame.js';
import { FakeKubernetes } from '../src/fakes/kubernetes/fake-kubernetes.js';
import { createLogger } from '../src/logger.js';
import { jobOf, reviewTask } from '../test/helpers/review-task.js';

const RUNS = Number(process.argv[2] ?? 10);
const logger = createLogger('silent');
const result = { role: 'reviewer' as const, review: { headSha: 'a'.repeat(40), summary: 'ok', findings: [], model: 'bench', usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, turns: 0 }, truncated: false } };
const command = [process.execPath, '-e', `process.stdout.write(${JSON.stringify(frame({ result }))})`];
const task = reviewTask('https://gitlab.invalid/g/p.git', 'b'.repeat(40), 'a'.repeat(40));

const fake = new FakeKubernetes({ token: 'bench-token', images: { 'bench/runner': { command, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } } } });
await fake.start();
const config = new KubeConfig();
config.loadFromString(fake.kubeconfig());
const sandbox = createKubernetesSandbox({
  api: createRunnerJobsApi(config, 'default', logger),
  logger,
  pod: { image: 'bench/runner', cpuRequest: '100m', cpuLimit: '1', memoryRequest: '64Mi', memoryLimit: '256Mi', ttlSecondsAfterFinished: 0 },
  unschedulableTimeoutMs: 60_000,
});
const secrets = { anthropicApiKey: 'sk-ant-bench' };
const run = (i: number) => sandbox.run(jobOf(`bench-${i}`, task, 30_000), secrets, { signal: new AbortController().signal });

try {
  await run(-1); // warm-up
  const requestsBefore = fake.requests.length;
  let start = performance.now();
  for (let i = 0; i < RUNS; i++) await run(i);
  const perJob = (performance.now() - start) / RUNS;
  const requests = (fake.requests.length - requestsBefore) / RUNS;
  start = performance.now();
  for (let i = 0; i < RUNS; i++) spawnSync(command[0]!, command.slice(1));
  const bare = (performance.now() - start) / RUNS;
  console.log(`kubernetes sandbox (fake API): ${perJob.toFixed(1)} ms per job, ${requests.toFixed(1)} API requests per job`);
  console.log(`the same process spawned directly: ${bare.toFixed(1)} ms per job`);
  const kinds = new Map<string, number>();
  for (const r of fake.requests.slice(requestsBefore)) {
    const key = `${r.method} ${r.path.replace(/fb-[^/]+/, 'NAME')} ${r.query.watch ?? ''}`;
    kinds.set(key, (kinds.get(key) ?? 0) + 1);
  }
  console.log('API requests of all runs:', Object.fromEntries(kinds));
  console.log(`control-loop overhead: ${(perJob - bare).toFixed(1)} ms per job (${RUNS} runs)`);
} finally {
  await fake.stop();
}
