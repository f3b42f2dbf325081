// Renders the Helm chart with Helm's own engine: deploy/helm/render.py over the helm-python-sdk package (Helm v4's
// Go SDK as a shared library), which scripts/setup.sh installs into .tools/helm-python.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parseManifests, type Manifest } from './kubernetes-schemas.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const libraryDir = `${root}.tools/helm-python`;
export const chartDir = `${root}deploy/helm/forgebot`;

/** Why Helm cannot render here, or undefined when it can. */
export function helmUnavailable(): string | undefined {
  if (!existsSync(`${libraryDir}/helm_python`)) return 'helm-python-sdk is not installed in .tools/helm-python (run scripts/setup.sh)';
  const probe = spawnSync('python3', ['-c', 'import helm_python'], { env: { ...process.env, PYTHONPATH: libraryDir }, encoding: 'utf8' });
  if (probe.status !== 0) return `helm-python-sdk does not load: ${probe.stderr.trim().split('\n').pop() ?? probe.error?.message}`;
  return undefined;
}

const RenderAnswer = z.union([
  z.object({ error: z.string() }),
  z.object({
    helm: z.string(),
    manifests: z.record(z.string(), z.string()),
    lint: z.object({ messages: z.array(z.object({ severity: z.number(), path: z.string(), error: z.string() })), errors: z.array(z.string()).nullable() }),
  }),
]);

export interface Rendered {
  helmVersion: string;
  /** Every rendered document, in template order. */
  manifests: Manifest[];
  /** The whole rendered text (to search for leaked values). */
  text: string;
  /** helm lint --strict findings at warning level or above. */
  lintProblems: string[];
}

export class HelmRenderError extends Error {}

/** `helm template` of the chart with these values (merged over values.yaml), schema-checked and linted. */
export function renderChart(values: Record<string, unknown>, release = 'forgebot', namespace = 'forgebot'): Rendered {
  const run = spawnSync('python3', [`${root}deploy/helm/render.py`], {
    input: JSON.stringify({ chart: chartDir, values, release, namespace }),
    env: { ...process.env, PYTHONPATH: libraryDir },
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  if (run.error) throw run.error;
  const answer = RenderAnswer.parse(JSON.parse(run.stdout));
  if ('error' in answer) throw new HelmRenderError(answer.error);
  const files = Object.keys(answer.manifests).sort();
  const manifests = files.flatMap((file) => parseManifests(answer.manifests[file] ?? '', file));
  return {
    helmVersion: answer.helm,
    manifests,
    text: files.map((file) => answer.manifests[file]).join('\n---\n'),
    lintProblems: [...(answer.lint.errors ?? []), ...answer.lint.messages.filter((m) => m.severity >= 2).map((m) => `${m.path}: ${m.error}`)],
  };
}
