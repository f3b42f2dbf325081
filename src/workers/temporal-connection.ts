import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { connectionOptions, type TemporalConfig } from './temporal-client.js';
import { temporalUnreachable } from './temporal-unreachable.js';

export { TemporalUnreachableError } from './temporal-unreachable.js';
export { lazyTemporalClient } from './temporal-client.js';

/**
 * How long a connection at start may take. A person at a terminal (`forgebot reviews list`) should hear within seconds
 * that Temporal is not there; a worker that cannot connect exits and is restarted by its orchestrator.
 */
export const CONNECT_DEADLINE_MS = 3_000;

/** A client for starting, signalling and querying workflows; TemporalUnreachableError when none answers in time. */
export async function connectTemporalClient(config: TemporalConfig, deadlineMs = CONNECT_DEADLINE_MS): Promise<Client> {
  try {
    const connection = await Connection.connect({ ...connectionOptions(config), connectTimeout: deadlineMs });
    return new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  } catch (error) {
    throw await temporalUnreachable(config, error, deadlineMs);
  }
}

/** The native connection that workers poll with; TemporalUnreachableError when none answers in time. */
export async function connectTemporalWorker(config: TemporalConfig, deadlineMs = CONNECT_DEADLINE_MS): Promise<NativeConnection> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${deadlineMs} ms (deadline)`)), deadlineMs);
  });
  const connecting = NativeConnection.connect(connectionOptions(config));
  try {
    return await Promise.race([connecting, deadline]);
  } catch (error) {
    // A connection that lands after the deadline is closed, not leaked. Its failure is the one reported below, and a
    // failure to close it leaves nothing to do: the process is about to exit.
    void connecting.then((late) => late.close()).catch(() => undefined);
    throw await temporalUnreachable(config, error, deadlineMs);
  } finally {
    clearTimeout(timer);
  }
}
