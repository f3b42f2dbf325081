import { redactSecrets } from '../domain/redact.js';

/**
 * A fetch for the model client that removes the runner's own secrets (and token-shaped strings) from every request
 * body it sends. The one boundary every prompt crosses: whatever a repository, a diff or a tool result contains —
 * a committed copy of the model key, a clone token of an unusual format — it does not leave in a prompt.
 * The credentials themselves travel in headers, which are untouched.
 */
export function redactingFetch(secrets: readonly string[], inner: typeof fetch = fetch): typeof fetch {
  return (input, init) => {
    if (typeof init?.body !== 'string') return inner(input, init);
    return inner(input, { ...init, body: redactSecrets(init.body, secrets) });
  };
}
