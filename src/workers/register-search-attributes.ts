import type { Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { searchAttributes } from '../workflows/definitions.js';

const IndexedValueType = proto.temporal.api.enums.v1.IndexedValueType;

const indexedType = {
  KEYWORD: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  INT: IndexedValueType.INDEXED_VALUE_TYPE_INT,
} as const;

/**
 * Registers the custom search attributes forgebot's workflows use, if the namespace lacks them.
 * Idempotent; works against a fresh `temporal server start-dev` and a self-hosted cluster.
 * (Temporal Cloud manages search attributes through its own API: create them there once.)
 */
export async function registerSearchAttributes(connection: Pick<Connection, 'operatorService'>, namespace: string): Promise<string[]> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const known = new Set([...Object.keys(existing.customAttributes ?? {}), ...Object.keys(existing.systemAttributes ?? {})]);
  const missing = Object.values(searchAttributes).filter((key) => !known.has(key.name));
  if (missing.length === 0) return [];
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(
      missing.map((key) => [key.name, indexedType[key.type as keyof typeof indexedType]]),
    ),
  });
  return missing.map((key) => key.name);
}
