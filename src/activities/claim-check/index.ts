export { CLAIM_CHECK_ERROR_CODES, ClaimCheckError, type ClaimCheckErrorCode } from './claim-check-error.js';
export type { ClaimCheckStore } from './claim-check-store.js';
export { createClaimStore, pruneExpiredClaims, type ClaimStoreConfig } from './create-claim-store.js';
export { createFileClaimStore, DEFAULT_CLAIM_DIR } from './file-claim-store.js';
export { getJson, putJson } from './json-claims.js';
export { createPostgresClaimStore, type PostgresClaimStoreOptions } from './postgres-claim-store.js';
