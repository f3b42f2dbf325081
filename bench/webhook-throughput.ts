// Webhook receiver throughput and latency: GitLab token check or GitHub HMAC signature check, JSON + zod parsing,
// Redis dedupe (real Redis), with a starter that records instead of calling Temporal. Prints numbers; asserts nothing.
// The receiver alone, closed-loop; the acknowledgement at a fixed rate with the full stack (`forgebot server`, the
// Temporal dev server, Redis) is bench/ingest-full-stack.ts.
// The GitHub deliveries are GitHub's own documented `pull_request.opened` example (@octokit/webhooks-examples),
// signed with the second of two configured secrets (the rotation case: both are tried).
//   node --import tsx bench/webhook-throughput.ts [deliveries=2000] [concurrency=32]
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { sign } from '@octokit/webhooks-methods';
import { Redis } from 'ioredis';
import { loadConfig } from '../src/config.js';
import { workflowIdFor } from '../src/domain/subject-ref.js';
import { createLogger } from '../src/logger.js';
import { startWebhookServer } from '../src/webhooks/server.js';

const total = Number(process.argv[2] ?? 2000);
const concurrency = Number(process.argv[3] ?? 32);
const secret = 'bench-secret';
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
let started = 0;
const server = await startWebhookServer({
  config: loadConfig({ PORT: '0', GITLAB_WEBHOOK_SECRET: secret, GITHUB_WEBHOOK_SECRET: `old-${secret},${secret}` }),
  redis,
  logger: createLogger('silent'),
  dedupePrefix: `forgebot-bench:${randomUUID()}:`,
  starter: {
    start: async (kind, subject) => {
      started += 1;
      return { workflowId: workflowIdFor(kind, subject) };
    },
    signal: async () => 'not-running' as const,
    ping: async () => undefined,
  },
});

function payload(iid: number, sha: string): string {
  return JSON.stringify({
    object_kind: 'merge_request',
    user: { username: 'bench' },
    project: { id: 1, path_with_namespace: 'bench/repo', web_url: 'http://x/bench/repo' },
    object_attributes: { iid, title: 'Bench', action: 'open', source_branch: 'f', target_branch: 'main', url: 'http://x', last_commit: { id: sha } },
  });
}

type Delivery = { path: string; headers: Record<string, string>; body: string };

function gitlabDelivery(uuid: string, body: string): Delivery {
  return { path: '/webhook/gitlab', headers: { 'x-gitlab-token': secret, 'x-gitlab-event': 'Merge Request Hook', 'x-gitlab-event-uuid': uuid }, body };
}

type ExampleGroup = { name: string; examples: Record<string, unknown>[] };
const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as ExampleGroup[];
const opened = examples.find((group) => group.name === 'pull_request')!.examples.find((example) => example.action === 'opened')!;

async function githubDelivery(uuid: string, number: number, headSha: string): Promise<Delivery> {
  const json = structuredClone(opened) as { number: number; pull_request: { number: number; draft: boolean; head: { sha: string } } };
  json.number = json.pull_request.number = number;
  json.pull_request.draft = false;
  json.pull_request.head.sha = headSha;
  const body = JSON.stringify(json);
  return { path: '/webhook/github', headers: { 'x-github-event': 'pull_request', 'x-github-delivery': uuid, 'x-hub-signature-256': await sign(secret, body) }, body };
}

async function run(label: string, makeDelivery: (index: number) => Delivery | Promise<Delivery>): Promise<void> {
  const latencies: number[] = [];
  let next = 0;
  const startedAt = performance.now();
  const memoryBefore = process.memoryUsage().rss;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const index = next++;
        const delivery = await makeDelivery(index);
        const t0 = performance.now();
        const response = await fetch(`${server.url}${delivery.path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...delivery.headers }, body: delivery.body });
        await response.arrayBuffer();
        if (response.status >= 300) throw new Error(`${label}: ${response.status} ${delivery.path}`);
        latencies.push(performance.now() - t0);
      }
    }),
  );
const seconds = (performance.now() - startedAt) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!.toFixed(2);
  console.log(
    `${label.padEnd(22)} ${total} deliveries, concurrency ${concurrency}: ${(total / seconds).toFixed(0)}/s, ` +
      `p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms, rss +${((process.memoryUsage().rss - memoryBefore) / 1e6).toFixed(1)} MB`,
  );
}

const sha = (index: number) => index.toString(16).padStart(40, '0');
await run('gitlab unique', (index) => gitlabDelivery(randomUUID(), payload(index + 1, sha(index))));
const storm = randomUUID();
await run('gitlab duplicate storm', () => gitlabDelivery(storm, payload(999_999, sha(1))));
await run('github unique (signed)', (index) => githubDelivery(randomUUID(), index + 1, sha(index)));
const githubStorm = randomUUID();
await run('github duplicate storm', () => githubDelivery(githubStorm, 999_999, sha(1)));
console.log(`workflows started: ${started} (expected ${2 * (total + 1)})`);
await server.close();
redis.disconnect();
