import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from '../../logger.js';
import { temporalSdkUp as sdkUp } from './forgebot-metrics.js';

/** How long a scrape waits for the Temporal SDK's exporter. */
const SDK_TIMEOUT_MS = 2_000;

export interface MetricsEndpoint {
  /** `http://host:port/metrics`. */
  url: string;
  close(): Promise<void>;
}

/**
 * A worker's `GET /metrics` (Prometheus text format): the registry's metrics, then the Temporal SDK's, read from its
 * loopback exporter at each scrape. When that exporter does not answer, forgebot's metrics are still served and
 * forgebot_worker_temporal_sdk_up says 0. The server does not keep the process alive: the worker does.
 */
export async function startMetricsEndpoint(options: { port: number; host?: string; registry: Registry; temporalSdkUrl?: string; logger: Logger }): Promise<MetricsEndpoint> {
  const { registry, temporalSdkUrl, logger } = options;
  async function temporalSdkText(): Promise<string> {
    if (!temporalSdkUrl) return '';
    try {
      const response = await fetch(temporalSdkUrl, { signal: AbortSignal.timeout(SDK_TIMEOUT_MS) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const text = await response.text();
      sdkUp.set(1);
      return text;
    } catch (error) {
      sdkUp.set(0);
      logger.debug({ err: error }, 'the Temporal SDK metrics could not be read');
      return '';
    }
  }

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET' || (req.url ?? '/').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: GET /metrics\n');
      return;
    }
    temporalSdkText()
      .then(async (sdk) => {
        const own = await registry.metrics();
        res.writeHead(200, { 'content-type': registry.contentType }).end(`${own.endsWith('\n') ? own : `${own}\n`}${sdk}`);
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'worker metrics could not be collected');
        res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics could not be collected\n');
      });
  };

  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(options.port, options.host ?? '0.0.0.0', resolve));
  server.unref();
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}/metrics`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
