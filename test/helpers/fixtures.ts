import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Real vendor webhook payloads live beside the repository, in ../shared (absent on a user's clone). */
export const fixturesRoot = fileURLToPath(new URL('../../../shared/fixtures/webhooks/', import.meta.url));

export function fixturesAvailable(source: string): boolean {
  return existsSync(`${fixturesRoot}${source}`);
}

export interface Fixture {
  name: string;
  headers: Record<string, string>;
  body: string;
  json: Record<string, unknown>;
}

export function loadFixture(source: string, name: string): Fixture {
  const dir = `${fixturesRoot}${source}/`;
  if (!existsSync(dir)) throw new Error(`webhook fixtures not found at ${dir} (they come with ../shared)`);
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
