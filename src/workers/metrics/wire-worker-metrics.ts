import { Client, type ConnectionLike } from '@temporalio/client';
import { collectDefaultMetrics } from 'prom-client';
import type { Config } from '../../config.js';
import type { Logger } from '../../logger.js';
import { installTemporalLogging } from '../temporal-logging.js';
import { setRepositoryLabeler } from './agent-job-metrics.js';
import { sampleApprovals } from './approvals-sampler.js';
import { samplerErrors, samplerLastSuccess, workerRegistry } from './forgebot-metrics.js';
import { startMetricsEndpoint, type MetricsEndpoint } from './metrics-endpoint.js';
import { sampleQueueBacklog } from './queue-backlog-sampler.js';
import { repositoryLabeler } from './repository-label.js';
import { temporalSdkMetrics } from './temporal-sdk-metrics.js';

/** How often the main worker samples the agent queue and the approvals waiting. */
export const SAMPLE_EVERY_MS = 15_000;

export interface Samplers {
  /** One sample of each, now (the interval goes on). */
  sampleOnce(): Promise<void>;
  stop(): void;
}

export interface WorkerMetrics {
  /** The endpoint's URL; undefined when WORKER_METRICS_PORT is unset. */
  url: string | undefined;
  /**
   * The main worker's samplers (agent queue backlog, approvals waiting) through Temporal, every SAMPLE_EVERY_MS. Both
   * main-worker replicas sample and export the same values: queries aggregate them with max().
   */
  startSamplers(connection: ConnectionLike, everyMs?: number): Samplers;
  close(): Promise<void>;
}

/**
 * A worker process's metrics, before it connects to Temporal: installs the Temporal runtime (logging, and the SDK's
 * metrics exporter on loopback), labels repositories by the configured set, and serves `GET /metrics` on
 * WORKER_METRICS_PORT (forgebot's metrics, the process's, then the SDK's). Once per process, instead of
 * installTemporalLogging. Without WORKER_METRICS_PORT: the runtime as before, no endpoint, no samplers.
 */
export async function wireWorkerMetrics(deps: { config: Config; logger: Logger; host?: string }): Promise<WorkerMetrics> {
  const { config, logger } = deps;
  setRepositoryLabeler(repositoryLabeler(config));
  if (!workerRegistry.getSingleMetric('forgebot_worker_process_cpu_seconds_total')) collectDefaultMetrics({ register: workerRegistry, prefix: 'forgebot_worker_' });
  if (config.WORKER_METRICS_PORT === undefined) {
    installTemporalLogging(logger);
    return { url: undefined, startSamplers: () => ({ sampleOnce: () => Promise.resolve(), stop: () => {} }), close: () => Promise.resolve() };
  }
  const sdk = await temporalSdkMetrics();
  installTemporalLogging(logger, sdk.exporter);
  const endpoint: MetricsEndpoint = await startMetricsEndpoint({ port: config.WORKER_METRICS_PORT, ...(deps.host ? { host: deps.host } : {}), registry: workerRegistry, temporalSdkUrl: sdk.url, logger });
  logger.info({ url: endpoint.url }, 'worker metrics endpoint');
  const running: Samplers[] = [];
  return {
    url: endpoint.url,
    startSamplers(connection, everyMs = SAMPLE_EVERY_MS) {
      const samplers = startSampling(new Client({ connection, namespace: config.TEMPORAL_NAMESPACE }), config, logger, everyMs);
      running.push(samplers);
      return samplers;
    },
    async close() {
      for (const samplers of running) samplers.stop();
      await endpoint.close();
    },
  };
}

function startSampling(client: Client, config: Config, logger: Logger, everyMs: number): Samplers {
  const failing = new Set<string>();
  const samplers: Record<string, () => Promise<void>> = {
    queue_backlog: () => sampleQueueBacklog(client, config.TEMPORAL_NAMESPACE, config.AGENT_TASK_QUEUE),
    approvals: () => sampleApprovals(client),
  };
  /** One sampler once: a failure is counted, and logged when it starts and when it ends (not at every sample). */
  const run = async (name: string, sample: () => Promise<void>) => {
    try {
      await sample();
      samplerLastSuccess.set({ sampler: name }, Date.now() / 1000);
      if (failing.delete(name)) logger.info({ sampler: name }, 'worker metrics sampler recovered');
    } catch (error) {
      samplerErrors.inc({ sampler: name });
      if (!failing.has(name)) logger.warn({ err: error, sampler: name }, 'worker metrics sampler failed: its gauges keep their last value');
      failing.add(name);
    }
  };
  const sampleOnce = async () => {
    await Promise.all(Object.entries(samplers).map(([name, sample]) => run(name, sample)));
  };
  let inFlight: Promise<void> | undefined;
  const timer = setInterval(() => {
    inFlight ??= sampleOnce().finally(() => (inFlight = undefined));
  }, everyMs);
  timer.unref();
  void sampleOnce();
  return { sampleOnce, stop: () => clearInterval(timer) };
}
