import type { Config } from '../../config.js';
import type { Logger } from '../../logger.js';
import { registerSearchAttributes } from '../../workers/register-search-attributes.js';
import { connectTemporalClient } from '../../workers/temporal-connection.js';

/** `forgebot search-attributes`: registers forgebot's custom search attributes in the namespace. */
export async function runSearchAttributes(config: Config, logger: Logger): Promise<void> {
  const client = await connectTemporalClient(config);
  try {
    const added = await registerSearchAttributes(client.connection, config.TEMPORAL_NAMESPACE);
    logger.info({ namespace: config.TEMPORAL_NAMESPACE, added }, added.length ? 'registered search attributes' : 'search attributes already registered');
  } finally {
    await client.connection.close();
  }
}
