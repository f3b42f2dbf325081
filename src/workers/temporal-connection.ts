import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Config } from '../config.js';

type TemporalConfig = Pick<Config, 'TEMPORAL_ADDRESS' | 'TEMPORAL_NAMESPACE' | 'TEMPORAL_API_KEY' | 'TEMPORAL_TLS'>;

function connectionOptions(config: TemporalConfig) {
  return {
    address: config.TEMPORAL_ADDRESS,
    // An API key (Temporal Cloud) implies TLS.
    ...(config.TEMPORAL_TLS || config.TEMPORAL_API_KEY ? { tls: true } : {}),
    ...(config.TEMPORAL_API_KEY ? { apiKey: config.TEMPORAL_API_KEY } : {}),
  };
}

/** A client for starting, signalling and querying workflows. */
export async function connectTemporalClient(config: TemporalConfig): Promise<Client> {
  const connection = await Connection.connect({ ...connectionOptions(config), connectTimeout: '10s' });
  return new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
}

/** A client that connects on first use: the webhook server starts (and reports not-ready) while Temporal is down. */
export function lazyTemporalClient(config: TemporalConfig): Client {
  const connection = Connection.lazy({ ...connectionOptions(config), connectTimeout: '5s' });
  return new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
}

/** The native connection that workers poll with. */
export async function connectTemporalWorker(config: TemporalConfig): Promise<NativeConnection> {
  return NativeConnection.connect(connectionOptions(config));
}
