import { isGrpcServiceError, type Client } from '@temporalio/client';
import type { Config } from '../../config.js';
import { forgebotSearchAttributes } from '../../workers/register-search-attributes.js';
import { CONNECT_DEADLINE_MS, connectTemporalClient, TemporalUnreachableError } from '../../workers/temporal-connection.js';
import { fail, ok, reasonOf, skip, type Check } from './check.js';

type TemporalConfig = Pick<Config, 'TEMPORAL_ADDRESS' | 'TEMPORAL_NAMESPACE' | 'TEMPORAL_API_KEY' | 'TEMPORAL_TLS'>;
export type ConnectTemporal = (config: TemporalConfig, deadlineMs: number) => Promise<Client>;

/** gRPC NOT_FOUND: the namespace does not exist. */
const NOT_FOUND = 5;

const REACH_HINT = 'start the Temporal server, or fix TEMPORAL_ADDRESS (and TEMPORAL_TLS / TEMPORAL_API_KEY for Temporal Cloud)';

/**
 * Two checks on one connection: Temporal answers at TEMPORAL_ADDRESS and has the namespace; the namespace has every
 * search attribute forgebot's workflows set. `close()` ends the connection once both ran.
 */
export function temporalChecks(config: TemporalConfig, timeoutMs: number, connect: ConnectTemporal = connectTemporalClient): { checks: Check[]; close(): Promise<void> } {
  let connecting: Promise<Client> | undefined;
  // Within the check's timeout: the connection's deadline, then a second to find out why it failed (a TCP probe).
  const deadlineMs = Math.min(CONNECT_DEADLINE_MS, Math.max(500, timeoutMs - 1_500));
  const client = () => (connecting ??= connect(config, deadlineMs));
  const namespace = config.TEMPORAL_NAMESPACE;

  const reachable: Check = {
    name: 'Temporal',
    hint: REACH_HINT,
    async run() {
      let connected: Client;
      try {
        connected = await client();
      } catch (error) {
        if (!(error instanceof TemporalUnreachableError)) throw error;
        // Its message says what was tried, then what to check: the second half is the hint.
        const [found, advice] = error.message.split(/\. (?=Check )/, 2);
        return fail(found ?? error.message, advice ? `${advice.charAt(0).toLowerCase()}${advice.slice(1)}` : REACH_HINT);
      }
      try {
        await connected.workflowService.describeNamespace({ namespace });
      } catch (error) {
        if (isGrpcServiceError(error) && error.code === NOT_FOUND) {
          return fail(`${config.TEMPORAL_ADDRESS} answers, but has no namespace ${namespace}`, `create it (\`temporal operator namespace create ${namespace}\`) or set TEMPORAL_NAMESPACE`);
        }
        throw error;
      }
      return ok(`${config.TEMPORAL_ADDRESS} answers; namespace ${namespace}`);
    },
  };

  const attributes: Check = {
    name: 'search attributes',
    hint: 'run `forgebot search-attributes` (workers register them at start; on Temporal Cloud create them in the namespace settings)',
    async run() {
      const connected = await client().catch(() => undefined);
      if (!connected) return skip('needs Temporal');
      const listed = await connected.connection.operatorService.listSearchAttributes({ namespace }).catch((error: unknown) => {
        throw new Error(`cannot list them: ${reasonOf(error)}`);
      });
      const known = new Set(Object.keys(listed.customAttributes ?? {}));
      const missing = forgebotSearchAttributes.map((key) => key.name).filter((name) => !known.has(name));
      if (missing.length > 0) return fail(`missing in namespace ${namespace}: ${missing.join(', ')}`, this.hint);
      return ok(`all ${forgebotSearchAttributes.length} registered in namespace ${namespace}`);
    },
  };

  return {
    checks: [reachable, attributes],
    async close() {
      const connected = await connecting?.catch(() => undefined);
      await connected?.connection.close();
    },
  };
}
