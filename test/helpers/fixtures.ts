import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { syntheticGitLabPayload } from './synthetic-gitlab-payloads.js';

/** Real vendor webhook payloads live beside the repository, in ../shared (absent on a user's clone). */
export const fixturesRoot = process.env.FORGEBOT_FIXTURES_DIR ?? fileURLToPath(new URL('../../../shared/fixtures/webhooks/', import.meta.url));

export function fixturesAvailable(source: string): boolean {
  return existsSync(`${fixturesRoot}${source}`);
}

export interface Fixture {
  name: string;
  headers: Record<string, string>;
  body: string;
  json: Record<string, unknown>;
}

/**
 * A vendor payload from ../shared with its headers. On a clone without ../shared, GitLab payloads fall back to
 * GitLab-shaped stand-ins with the same identifying values (test/helpers/synthetic-gitlab-payloads.ts).
 */
export function loadFixture(source: string, name: string): Fixture {
  const dir = `${fixturesRoot}${source}/`;
  if (!existsSync(dir)) {
    const synthetic = source === 'gitlab' ? syntheticGitLabPayload(name) : undefined;
    if (!synthetic) throw new Error(`webhook fixture ${source}/${name} not found at ${dir} (it comes with ../shared)`);
    return { name, ...synthetic, json: JSON.parse(synthetic.body) as Record<string, unknown> };
  }
  const body = readFileSync(`${dir}${name}.json`, 'utf8');
  const headers = JSON.parse(readFileSync(`${dir}${name}.headers.json`, 'utf8')) as Record<string, string>;
  return { name, headers, body, json: JSON.parse(body) as Record<string, unknown> };
}

export function fixtureNames(source: string): string[] {
  return readdirSync(`${fixturesRoot}${source}`)
    .filter((file) => file.endsWith('.json') && !file.endsWith('.headers.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort();
}
