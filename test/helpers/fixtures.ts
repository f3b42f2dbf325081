import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { syntheticGitLabPayload } from './synthetic-gitlab-payloads.js';

/**
 * Real vendor webhook payloads live beside the repository: <repo>/../shared/fixtures/webhooks (absent on a user's
 * clone). The repository root is the parent of test/; FORGEBOT_FIXTURES_DIR points elsewhere.
 */
export const fixturesRoot = process.env.FORGEBOT_FIXTURES_DIR ?? fileURLToPath(new URL('../../../shared/fixtures/webhooks', import.meta.url));

/** Whether the vendor payloads of `source` (`gitlab`, `github`, …) are present. */
export function fixturesAvailable(source: string): boolean {
  return existsSync(join(fixturesRoot, source));
}

export interface Fixture {
  name: string;
  /** The HTTP headers that go with the payload (no token or signature: the tests add their own). */
  headers: Record<string, string>;
  /** The body exactly as the vendor sent it. */
  body: string;
  json: Record<string, unknown>;
}

/**
 * A vendor payload with its headers (`<name>.json` + `<name>.headers.json`). On a clone without ../shared, GitLab
 * payloads fall back to GitLab-shaped stand-ins with the same identifying values (synthetic-gitlab-payloads.ts).
 */
export function loadFixture(source: string, name: string): Fixture {
  const dir = join(fixturesRoot, source);
  if (!existsSync(dir)) {
    const synthetic = source === 'gitlab' ? syntheticGitLabPayload(name) : undefined;
    if (!synthetic) throw new Error(`webhook fixture ${source}/${name} not found at ${dir} (it comes with ../shared)`);
    return { name, ...synthetic, json: JSON.parse(synthetic.body) as Record<string, unknown> };
  }
  const body = readFileSync(join(dir, `${name}.json`), 'utf8');
  const headers = JSON.parse(readFileSync(join(dir, `${name}.headers.json`), 'utf8')) as Record<string, string>;
  return { name, headers, body, json: JSON.parse(body) as Record<string, unknown> };
}

/** Every payload name of `source`, sorted (requires fixturesAvailable). */
export function fixtureNames(source: string): string[] {
  return readdirSync(join(fixturesRoot, source))
    .filter((file) => file.endsWith('.json') && !file.endsWith('.headers.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort();
}
