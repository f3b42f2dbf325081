import { createRequire } from 'node:module';

type Json = Record<string, unknown>;
let examples: Record<string, { value: unknown }> | undefined;

/**
 * A response example from GitHub's own OpenAPI description (@octokit/openapi), deep-copied: the fake starts every
 * object from GitHub's documented shape and overrides the fields it knows, so clients see the real field set.
 */
export function example(name: string): Json {
  examples ??= (createRequire(import.meta.url)('@octokit/openapi/generated/api.github.com.json') as { components: { examples: Record<string, { value: unknown }> } })
    .components.examples;
  const found = examples[name]?.value;
  if (found === undefined) throw new Error(`fake GitHub: no OpenAPI example "${name}"`);
  return structuredClone(Array.isArray(found) ? (found[0] as Json) : (found as Json));
}
