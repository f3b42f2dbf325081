// Temporal client options and the lazy client, without the worker package: the webhook server's starter thread
// loads only this (src/webhooks/starter-thread/).
import { Client, Connection } from '@temporalio/client';
import type { Config } from '../config.js';

export type TemporalConfig = Pick<Config, 'TEMPORAL_ADDRESS' | 'TEMPORAL_NAMESPACE' | 'TEMPORAL_API_KEY' | 'TEMPORAL_TLS'>;

export function connectionOptions(config: TemporalConfig) {
  return {
    address: config.TEMPORAL_ADDRESS,
    // An API key (Temporal Cloud) implies TLS.
    ...(config.TEMPORAL_TLS || config.TEMPORAL_API_KEY ? { tls: true } : {}),
    ...(config.TEMPORAL_API_KEY ? { apiKey: config.TEMPORAL_API_KEY } : {}),
  };
}

/** A client that connects on first use: the webhook server starts (and reports not-ready) while Temporal is down. */
export function lazyTemporalClient(config: TemporalConfig): Client {
  const connection = Connection.lazy({ ...connectionOptions(config), connectTimeout: '5s' });
  return new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
}
