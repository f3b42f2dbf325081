import { createHash } from 'node:crypto';
import { ClaimKind, ClaimRef, claimKey, type ClaimStoreKind } from '../../domain/claim-ref.js';
import { ClaimCheckError } from './claim-check-error.js';

export function sha256Hex(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}

/** The reference a store returns for `body`; throws for a kind that could not be part of a key. */
export function refFor(store: ClaimStoreKind, kind: string, body: Uint8Array): ClaimRef {
  const parsedKind = ClaimKind.safeParse(kind);
  if (!parsedKind.success) throw new TypeError(`claim kind ${JSON.stringify(kind)}: ${parsedKind.error.issues[0]?.message ?? 'invalid'}`);
  const sha256 = sha256Hex(body);
  return { store, key: claimKey(parsedKind.data, sha256), sha256, bytes: body.byteLength };
}

/** Checks a reference before it is used to find anything (it came through workflow history). */
export function checkRef(store: ClaimStoreKind, ref: ClaimRef): ClaimRef {
  const parsed = ClaimRef.safeParse(ref);
  if (!parsed.success) throw new ClaimCheckError('ERR_CLAIM_INVALID', `not a claim reference: ${parsed.error.issues.map((issue) => issue.path.join('.')).join(', ')}`);
  if (parsed.data.store !== store) throw new ClaimCheckError('ERR_CLAIM_MISSING', `claim ${parsed.data.key} is in the ${parsed.data.store} store, not the ${store} store`);
  return parsed.data;
}

/** Throws ERR_CLAIM_CORRUPT unless `body` is exactly what `ref` describes. */
export function verifyBody(ref: ClaimRef, body: Uint8Array): Uint8Array {
  if (body.byteLength !== ref.bytes) throw corruptSize(ref, body.byteLength);
  const actual = sha256Hex(body);
  if (actual !== ref.sha256) throw new ClaimCheckError('ERR_CLAIM_CORRUPT', `claim ${ref.key}: stored body has sha256 ${actual}, expected ${ref.sha256}`);
  return body;
}

export function corruptSize(ref: ClaimRef, actualBytes: number): ClaimCheckError {
  return new ClaimCheckError('ERR_CLAIM_CORRUPT', `claim ${ref.key}: stored body has ${actualBytes} bytes, expected ${ref.bytes}`);
}

export function missing(ref: ClaimRef, cause?: Error): ClaimCheckError {
  return new ClaimCheckError('ERR_CLAIM_MISSING', `claim ${ref.key} is not in the ${ref.store} store (pruned or never written)`, cause);
}
