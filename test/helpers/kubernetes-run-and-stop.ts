// Run as its own process by kubernetes-fake-shutdown.test.ts: a Kubernetes sandbox run on the fake API with finished
// Jobs kept for 600 s (as in production), whose stand-in runner prints its result at once; then a second Job still
// running when the fake stops. Prints one JSON line; the process must then end by itself.
import { createKubernetesSandbox } from '../../src/activities/sandbox/kubernetes/kubernetes-sandbox.js';
import { createLogger } from '../../src/logger.js';
import { eventually } from './forgebot-stack.js';
import { startKubernetes, stubImage } from './kubernetes.js';
import { jobOf, reviewTask } from './review-task.js';

const world = await startKubernetes({ images: { 'stub/at-once': stubImage({ ms: 0 }), 'stub/forever': stubImage({ ms: 600_000 }) } });
const sandboxFor = (image: string) =>
  createKubernetesSandbox({
    api: world.api,
    logger: createLogger('silent'),
    pod: { image, cpuRequest: '100m', cpuLimit: '1', memoryRequest: '64Mi', memoryLimit: '256Mi', ttlSecondsAfterFinished: 600 },
    unschedulableTimeoutMs: 60_000,
  });
const task = reviewTask('file:///nowhere', 'a'.repeat(40), 'b'.repeat(40));
const result = await sandboxFor('stub/at-once').run(jobOf('shutdown-at-once', task, 900_000, 'review:gitlab:42:1'), { anthropicApiKey: 'k' }, { signal: new AbortController().signal });

const running = new AbortController();
const forever = sandboxFor('stub/forever').run(jobOf('shutdown-forever', task, 900_000, 'review:gitlab:42:2'), { anthropicApiKey: 'k' }, { signal: running.signal, leaveRunning: () => true });
forever.catch(() => undefined);
await eventually(() => world.fake.list('pods').some((pod) => (pod.status as { phase?: string }).phase === 'Running' && pod.metadata.name.includes('shutdown-forever')) || undefined, 'the second pod running', 20_000);
running.abort();
await world.stop();
process.stdout.write(`${JSON.stringify({ role: result.role, summary: result.review.summary, jobsKept: world.fake.list('jobs').length })}\n`);
