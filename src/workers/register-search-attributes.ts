import type { Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { Logger } from '../logger.js';
import { searchAttributes } from '../workflows/definitions.js';
import { sentrySearchAttributes } from '../workflows/sentry-fix-definitions.js';
import { ticketSearchAttributes } from '../workflows/ticket-definitions.js';

const IndexedValueType = proto.temporal.api.enums.v1.IndexedValueType;

const indexedType = {
  KEYWORD: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  INT: IndexedValueType.INDEXED_VALUE_TYPE_INT,
} as const;

/** Every custom search attribute forgebot's workflows set. */
export const forgebotSearchAttributes = [...Object.values(searchAttributes), ...Object.values(sentrySearchAttributes), ...Object.values(ticketSearchAttributes)];

/**
 * Registers the custom search attributes forgebot's workflows use, if the namespace lacks them.
 * Idempotent; works against a fresh `temporal server start-dev` and a self-hosted cluster.
 * (Temporal Cloud manages search attributes through its own API: create them there once.)
 */
export async function registerSearchAttributes(connection: Pick<Connection, 'operatorService'>, namespace: string): Promise<string[]> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const known = new Set([...Object.keys(existing.customAttributes ?? {}), ...Object.keys(existing.systemAttributes ?? {})]);
  const missing = forgebotSearchAttributes.filter((key) => !known.has(key.name));
  if (missing.length === 0) return [];
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(
      missing.map((key) => [key.name, indexedType[key.type as keyof typeof indexedType]]),
    ),
  });
  return missing.map((key) => key.name);
}

/**
 * Registers the missing search attributes; when the server refuses, succeeds only if they all exist already, and
 * otherwise throws one message naming the missing ones and what to do.
 */
export async function ensureRegistered(connection: Pick<Connection, 'operatorService'>, namespace: string, logger: Logger): Promise<string[]> {
  try {
    return await registerSearchAttributes(connection, namespace);
  } catch (error) {
    const existing = await connection.operatorService.listSearchAttributes({ namespace }).catch(() => undefined);
    const known = new Set(Object.keys(existing?.customAttributes ?? {}));
    const missing = forgebotSearchAttributes.map((key) => key.name).filter((name) => !known.has(name));
    if (existing && missing.length === 0) {
      logger.warn({ err: error }, 'could not register search attributes, but they exist: going on');
      return [];
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `the search attributes ${missing.join(', ')} are missing in namespace ${namespace} and could not be registered (${reason}): ` +
        'create them (README: "Search attributes") or give the worker permission; its workflows would fail without them',
    );
  }
}
