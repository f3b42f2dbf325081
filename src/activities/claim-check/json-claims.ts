import type { z } from 'zod';
import type { ClaimRef } from '../../domain/claim-ref.js';
import { ClaimCheckError } from './claim-check-error.js';
import type { ClaimCheckStore } from './claim-check-store.js';

/** Stores `value` as UTF-8 JSON. */
export async function putJson(store: ClaimCheckStore, kind: string, value: unknown): Promise<ClaimRef> {
  const text: string | undefined = JSON.stringify(value);
  if (text === undefined) throw new TypeError(`claim ${kind}: the value has no JSON form`);
  return store.put(kind, new TextEncoder().encode(text));
}

/** Reads a JSON claim back and validates it with `schema`: a wrong shape is ERR_CLAIM_INVALID (permanent). */
export async function getJson<S extends z.ZodType>(store: ClaimCheckStore, ref: ClaimRef, schema: S): Promise<z.output<S>> {
  const body = await store.get(ref);
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch (error) {
    throw new ClaimCheckError('ERR_CLAIM_INVALID', `claim ${ref.key} is not UTF-8 JSON`, error instanceof Error ? error : undefined);
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  // Paths and messages only: the body may hold text that must not reach a log.
  const problems = parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  throw new ClaimCheckError('ERR_CLAIM_INVALID', `claim ${ref.key} does not match its schema: ${problems.join('; ')}`);
}
