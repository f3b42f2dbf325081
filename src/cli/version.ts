import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';

const PackageJson = z.object({ name: z.string().optional(), version: z.string().optional() });

/**
 * forgebot's version, from its package.json: the nearest one named `forgebot` above this file (`src/cli/` in a
 * checkout, `dist/src/cli/` in an image, where package.json sits next to `dist/`).
 */
export function packageVersion(from: URL = new URL('.', import.meta.url)): string {
  for (let dir = from; ; dir = new URL('..', dir)) {
    const candidate = new URL('package.json', dir);
    if (existsSync(candidate)) {
      const parsed = PackageJson.safeParse(JSON.parse(readFileSync(candidate, 'utf8')));
      if (parsed.success && parsed.data.name === 'forgebot' && parsed.data.version) return parsed.data.version;
    }
    if (dir.pathname === '/') return 'unknown';
  }
}

/** What `forgebot --version` prints: the version and the Node.js it runs on (the first thing to ask in a bug report). */
export function versionLine(): string {
  return `forgebot ${packageVersion()} (Node.js ${process.versions.node})`;
}
