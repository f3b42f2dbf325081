/**
 * Failure types that retrying cannot fix: activities throw them non-retryable, and the workflow's retry
 * policies list them too. No imports: the workflow bundle uses this file.
 */
export const PERMANENT_ERROR_TYPES = [
  'ERR_FORGE_NOT_FOUND', // unknown project or change
  'ERR_FORGE_UNAUTHORIZED', // bad or under-scoped forge token
  'ERR_FORGE_INVALID', // the forge refused the request itself
  'ERR_FORGE_CONFLICT', // branch exists, branch moved, not mergeable
  'ERR_FORGE_PROTECTED', // a protected branch refused the write
  'ERR_UNKNOWN_FORGE', // no connection configured for that forge
  'ERR_RUNNER_OUTPUT', // the runner returned no valid result
  'ERR_RUNNER_INPUT', // the runner refused its task
  'ERR_MODEL_UNAUTHORIZED', // the model API refused the key
  'ERR_MODEL_INVALID_REQUEST', // the model API refused the request (e.g. an unknown model)
  'ERR_SANDBOX_IMAGE_PULL', // the runner image is wrong or unreachable: an operator must fix it
  'ERR_SANDBOX_OOM_KILLED', // the same review under the same memory limit would be killed again
  'ERR_SANDBOX_DEADLINE_EXCEEDED', // the same review would run out of time again
  'ERR_SANDBOX_UNSCHEDULABLE', // the cluster cannot fit the runner's requests
  'ERR_SANDBOX_TIMEOUT', // the local sandbox's time limit: the same job would run out of time again
  'ERR_FORGE_UNSUPPORTED', // the forge connection lacks a capability (e.g. authoring changes)
  'ERR_PATCH_BASE', // the patch was made on another commit
  'ERR_PATCH_EMPTY', // the agent changed nothing
  'ERR_PATCH_SCOPE', // the agent's work went past the repository's scope limits
  'ERR_PATCH_SECRET', // the agent wrote a credential into its patch
  'ERR_CLAIM_MISSING', // a stored agent output is gone
  'ERR_CLAIM_CORRUPT', // a stored agent output does not match its hash
  'ERR_CLAIM_INVALID', // a stored agent output has the wrong shape
  'ERR_SENTRY_UNAUTHORIZED', // Sentry refused the token (missing, wrong, revoked)
  'ERR_SENTRY_FORBIDDEN', // the Sentry token lacks a scope (event:read, event:write) or the project
  'ERR_SENTRY_NOT_FOUND', // unknown Sentry organization or issue, or an issue without events
  'ERR_SENTRY_INVALID', // Sentry refused the request itself (400), or redirected it (a wrong SENTRY_URL)
  'ERR_SENTRY_BAD_RESPONSE', // Sentry answered something that is not what its API documents
  'ERR_ANSWER_QUESTION', // a question for the answerer failed its own schema: asking again gives the same
  'ERR_JIRA_UNAUTHORIZED', // Jira refused the credential (JIRA_API_TOKEN / JIRA_TOKEN missing, wrong or revoked)
  'ERR_JIRA_FORBIDDEN', // forgebot's Jira account lacks a project permission (browse, comment, transition)
  'ERR_JIRA_NOT_FOUND', // no such issue, or one the account may not see
  'ERR_JIRA_INVALID', // Jira refused the request itself, or answered what its API does not document
  'ERR_JIRA_NOT_CONFIGURED', // the worker has no Jira connection (JIRA_URL and a token)
];
