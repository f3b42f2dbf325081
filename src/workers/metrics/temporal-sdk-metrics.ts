import { createServer } from 'node:net';
import type { MetricsExporterConfig } from '@temporalio/worker';

/** Where the Temporal SDK's own Prometheus exporter listens, and its configuration for Runtime.install. */
export interface TemporalSdkMetrics {
  exporter: MetricsExporterConfig;
  /** Its `/metrics`, read by the worker's endpoint at each scrape. */
  url: string;
}

/** A port on 127.0.0.1 that nothing listens on now. */
async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP port on 127.0.0.1');
  return address.port;
}

/**
 * The Temporal SDK's runtime metrics (its Rust core's: polls, task slots, schedule-to-start latencies, RPC requests,
 * `temporal_` prefix) exported by the SDK's own Prometheus server, on a free port of 127.0.0.1 only: nothing scrapes it
 * directly. The worker's endpoint (metrics-endpoint.ts) appends its text to forgebot's, so a pod has one metrics port
 * (one `prometheus.io/port`, one PodMonitor endpoint) that carries both.
 */
export async function temporalSdkMetrics(): Promise<TemporalSdkMetrics> {
  const port = await freeLoopbackPort();
  return { exporter: { prometheus: { bindAddress: `127.0.0.1:${port}` } }, url: `http://127.0.0.1:${port}/metrics` };
}
