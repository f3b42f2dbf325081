import { connect } from 'node:net';
import type { Config } from '../config.js';
import { redactSecrets } from '../domain/redact.js';
import { ExplainedError } from '../logger.js';

type TemporalConfig = Pick<Config, 'TEMPORAL_ADDRESS' | 'TEMPORAL_NAMESPACE' | 'TEMPORAL_API_KEY' | 'TEMPORAL_TLS'>;

/**
 * Temporal could not be reached, or did not answer as a Temporal frontend. The message is one line for a person:
 * what was tried (the address and settings, never the API key), what happened, and what to check. The CLI prints it
 * and exits 2.
 */
export class TemporalUnreachableError extends ExplainedError {
  override readonly name = 'TemporalUnreachableError';
}

type Probe = 'refused' | 'unresolved' | 'silent' | 'accepts';

/** What a plain TCP connection to `address` finds, within `timeoutMs`: it tells a person where to look. */
export function probeTcp(address: string, timeoutMs = 1_000): Promise<Probe> {
  const separator = address.lastIndexOf(':');
  const host = (separator > 0 ? address.slice(0, separator) : address).replace(/^\[(.*)\]$/, '$1');
  const port = separator > 0 ? Number(address.slice(separator + 1)) : 7233;
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    const done = (probe: Probe) => {
      socket.destroy();
      resolve(probe);
    };
    socket.once('connect', () => done('accepts'));
    socket.once('timeout', () => done('silent'));
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN' ? 'unresolved' : error.code === 'ECONNREFUSED' ? 'refused' : 'silent'));
  });
}

const findings: Record<Probe, string> = {
  refused: 'connection refused: nothing listens there. Check that the Temporal server is running (`make dev` starts one) or point TEMPORAL_ADDRESS at it',
  unresolved: 'the host name does not resolve. Check the host in TEMPORAL_ADDRESS',
  silent: 'no answer (a firewall, or the wrong host). Check TEMPORAL_ADDRESS and that this machine may reach it',
  accepts: 'it accepts connections but did not answer as a Temporal frontend. Check the port, and TEMPORAL_TLS / TEMPORAL_API_KEY (TLS on one side only?)',
};

/** The connection settings as a person may read them: never the API key, only whether one is set. */
function settings(config: TemporalConfig): string {
  const tls = config.TEMPORAL_TLS || config.TEMPORAL_API_KEY ? 'TLS' : 'no TLS';
  return `TEMPORAL_ADDRESS=${config.TEMPORAL_ADDRESS}, namespace ${config.TEMPORAL_NAMESPACE}, ${tls}${config.TEMPORAL_API_KEY ? ', API key set' : ''}`;
}

/** The first line of what the SDK said (its messages can run over several lines, with gRPC metadata). */
function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]?.slice(0, 300) ?? '';
}

/** A Temporal connection that failed, as the one-line error a person can act on (the TCP probe says where to look). */
export async function temporalUnreachable(config: TemporalConfig, error: unknown, deadlineMs: number): Promise<TemporalUnreachableError> {
  const probe = await probeTcp(config.TEMPORAL_ADDRESS);
  const said = redactSecrets(firstLine(error), config.TEMPORAL_API_KEY ? [config.TEMPORAL_API_KEY] : []);
  const finding = probe === 'accepts' && !/deadline/i.test(said) ? `it answered: ${said}. Check TEMPORAL_API_KEY, TEMPORAL_TLS and TEMPORAL_NAMESPACE` : findings[probe];
  return new TemporalUnreachableError(`cannot reach Temporal (${settings(config)}) within ${deadlineMs / 1000} s: ${finding}`, { cause: error });
}
