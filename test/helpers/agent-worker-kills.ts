import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Config } from '../../src/config.js';
import { statusQuery } from '../../src/workflows/definitions.js';
import { eventually } from './forgebot-stack.js';
import { startAgentWorkerProcess, type AgentWorkerProcess } from './kubernetes-agent-worker.js';
import { E2E_MODEL_KEY } from './e2e-world.js';
import type { GatedCall } from './model-gate.js';
import { mergeRequestOfCall, PROJECT, startManyReviewsWorld, type ManyReviewsWorld } from './many-reviews-world.js';

export interface KillCampaignOptions {
  env: TestWorkflowEnvironment;
  /** How many times an agent-worker is killed -9 while it runs a job. */
  kills: number;
  /** Merge requests queued at once (default: as many as needed for `kills` at `killsPerJob`). */
  mergeRequests?: number;
  /** Kills per job, at most 2: the agent activity has 3 attempts, and a job killed 3 times fails for good. */
  killsPerJob?: 1 | 2;
  /** Heartbeat timeout of agent jobs: how soon an abandoned job is retried. */
  heartbeatTimeoutSeconds?: number;
  /**
   * The runners' network (SANDBOX_NETWORK). `isolated` (the default where the machine allows it): an orphaned runner
   * loses the egress proxy with its worker, and its model call with it. `host`: its call goes on, and is answered.
   */
  sandboxNetwork?: 'isolated' | 'host' | 'auto';
  /** Bound on the whole campaign. */
  timeoutMs?: number;
}

export interface KillCampaignResult {
  kills: number;
  /** Merge requests reviewed (one summary note each). */
  reviews: number;
  /** Summary notes or inline comments beyond one per merge request, plus reviews counted twice by a workflow. */
  duplicates: number;
  /** Runners of killed workers still alive just after the kill (their own process group outlives the worker). */
  orphansAlive: number;
  /** Model calls the gate saw (first attempts, retries, and orphans' calls answered after their worker died). */
  modelCalls: number;
  /** Orphaned runners' model calls that were answered: a result that no worker was left to take. */
  orphanCallsAnswered: number;
  ms: number;
  world: ManyReviewsWorld;
}

export const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
/** SIGTERM, and SIGKILL if it has not exited within `ms` (a worker waiting on a job it cannot finish). */
export async function stopWithin(worker: AgentWorkerProcess, ms: number): Promise<void> {
  const force = setTimeout(() => void worker.kill(), ms);
  await worker.stop();
  clearTimeout(force);
}
/** The pids of the runners `worker` started (its "runner started" log lines). */
export const runnerPids = (worker: AgentWorkerProcess) => [...worker.output().matchAll(/"pid":(\d+),"msg":"runner started"/g)].map((match) => Number(match[1]));
/** SIGKILL to the process group of each runner `worker` started that is still alive (a runner outlives its worker). */
export function killRunnersOf(worker: AgentWorkerProcess): void {
  for (const pid of runnerPids(worker).filter(alive)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // it ended meanwhile
    }
  }
}

/** Stops each worker (SIGTERM, then SIGKILL after 15 s), then the runners it left (a runner outlives its worker). */
export async function stopAgentWorkers(workers: readonly AgentWorkerProcess[]): Promise<void> {
  for (const worker of workers) {
    await stopWithin(worker, 15_000);
    killRunnersOf(worker);
  }
}

/** Where a test's `forgebot agent-worker` takes its jobs: its Temporal, the stack's agent task queue and claim store, the model. */
export interface AgentWorkerTarget {
  address: string;
  config: Pick<Config, 'AGENT_TASK_QUEUE' | 'CLAIM_STORE_DIR'>;
  modelUrl: string;
}

/** `forgebot agent-worker` with the local sandbox (the real runner) for `target`, added to `workers` (for stopAgentWorkers). */
export async function startLocalAgentWorker(workers: AgentWorkerProcess[], target: AgentWorkerTarget, env: Record<string, string> = {}): Promise<AgentWorkerProcess> {
  const worker = await startAgentWorkerProcess({
    TEMPORAL_ADDRESS: target.address,
    AGENT_TASK_QUEUE: target.config.AGENT_TASK_QUEUE,
    CLAIM_STORE_DIR: target.config.CLAIM_STORE_DIR!,
    SANDBOX: 'local',
    ANTHROPIC_API_KEY: E2E_MODEL_KEY,
    ANTHROPIC_BASE_URL: target.modelUrl,
    ...env,
  });
  workers.push(worker);
  return worker;
}

/**
 * Queues several reviews for `forgebot agent-worker` processes (local sandbox, the real runner) and, each time the
 * current worker's job is waiting on the model, kills the worker -9 and starts a new one, `kills` times. The calls
 * held at the gate when a worker dies are its orphaned runners': they are answered too (their result reaches no one).
 * Resolves once every review is published and every workflow has settled. The caller stops `world`.
 */
export async function runKillCampaign(options: KillCampaignOptions): Promise<KillCampaignResult> {
  const killsPerJob = options.killsPerJob ?? 1;
  const count = options.mergeRequests ?? Math.max(1, Math.ceil(options.kills / killsPerJob));
  const world = await startManyReviewsWorld({
    temporal: options.env,
    count,
    vars: { AGENT_HEARTBEAT_TIMEOUT_SECONDS: String(options.heartbeatTimeoutSeconds ?? 5) },
    stackOptions: { agentWorker: false },
  });
  const started = Date.now();
  const deadline = started + (options.timeoutMs ?? 600_000);
  const left = () => Math.max(1_000, deadline - Date.now());
  const workers: AgentWorkerProcess[] = [];
  const startWorker = () => startLocalAgentWorker(workers, { address: options.env.address, config: world.stack.config, modelUrl: world.gate.url }, { SANDBOX_NETWORK: options.sandboxNetwork ?? 'auto' });
  const handle = (iid: number) => options.env.client.workflow.getHandle(`review:gitlab:${PROJECT.id}:${iid}`);
  const published = () => world.iids.every((iid) => world.summaries(iid).length > 0);
  let kills = 0;
  let orphansAlive = 0;
  const orphanCalls: GatedCall[] = [];
  const killsOf = new Map<number, number>();
  try {
    let current = await startWorker();
    for (const iid of world.iids) {
      const status = await world.open(iid);
      if (status !== 202) throw new Error(`MR !${iid}: the webhook answered ${status}`);
    }
    while (!published()) {
      // The current worker runs one job at a time: its runner's call is the one held now.
      const held = await eventually(() => (world.gate.held().length > 0 ? world.gate.held() : published() || undefined), 'a job waiting on the model, or every review published', left());
      if (held === true) break;
      for (const call of held) {
        const iid = mergeRequestOfCall(call.body);
        if (iid === undefined || kills >= options.kills || (killsOf.get(iid) ?? 0) >= killsPerJob) {
          world.gate.release([call]);
          continue;
        }
        await current.kill();
        kills += 1;
        killsOf.set(iid, (killsOf.get(iid) ?? 0) + 1);
        orphansAlive += runnerPids(current).filter(alive).length;
        // The orphaned runner's call, if it is still there: answered, its result reaches no worker.
        orphanCalls.push(...world.gate.held());
        world.gate.release();
        current = await startWorker();
        break;
      }
    }
    await Promise.all(world.iids.map((iid) => eventually(async () => {
      const [status, description] = await Promise.all([handle(iid).query(statusQuery), handle(iid).describe()]);
      return status.reviewsCompleted >= 1 && status.phase === 'waiting' && (description.raw.pendingActivities ?? []).length === 0 ? status : undefined;
    }, `MR !${iid} reviewed and settled`, left())));
    let duplicates = 0;
    for (const iid of world.iids) {
      const status = await handle(iid).query(statusQuery);
      duplicates += Math.max(0, world.summaries(iid).length - 1) + Math.max(0, world.inlineComments(iid).length - 1) + Math.max(0, status.reviewsCompleted - 1);
    }
    return {
      kills, reviews: world.iids.filter((iid) => world.summaries(iid).length > 0).length, duplicates, orphansAlive,
      modelCalls: world.gate.calls.length, orphanCallsAnswered: orphanCalls.filter((call) => call.answered).length, ms: Date.now() - started, world,
    };
  } catch (error) {
    await world.stop().catch(() => undefined);
    throw error;
  } finally {
    // Orphaned runners (own process group) that are still there too: by pid, each one this campaign's workers started.
    await stopAgentWorkers(workers);
  }
}
