// deploy/flux, deploy/cloudflare and deploy/docker: schema-valid, consistent with the chart, and saying what they claim.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { helmUnavailable, renderChart } from './helpers/helm-render.js';
import { parseManifests, validateManifest, type Manifest } from './helpers/kubernetes-schemas.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const read = (path: string) => readFileSync(`${root}${path}`, 'utf8');
const manifestsOf = (path: string) => parseManifests(read(path), path);
const only = (manifests: Manifest[], kind: string) => {
  const found = manifests.filter((m) => m.kind === kind);
  assert.equal(found.length, 1, `one ${kind}`);
  return found[0] as Manifest;
};

describe('FluxCD example', () => {
  const files = ['deploy/flux/gitrepository.yaml', 'deploy/flux/helmrelease.yaml', 'deploy/flux/sealedsecret.example.yaml'];
  const all = files.flatMap(manifestsOf);

  test('every document matches its schema (Flux CRDs, SealedSecret)', async () => {
    assert.deepEqual(all.map((m) => m.kind).sort(), ['GitRepository', 'HelmRelease', 'SealedSecret']);
    for (const manifest of all) await validateManifest(manifest);
  });

  test('the HelmRelease points at its GitRepository and the chart in this repository', () => {
    const release = only(all, 'HelmRelease') as Manifest & { spec: { chart: { spec: { chart: string; sourceRef: { kind: string; name: string; namespace: string } } } } };
    const source = only(all, 'GitRepository');
    const ref = release.spec.chart.spec.sourceRef;
    assert.deepEqual([ref.kind, ref.name, ref.namespace], ['GitRepository', source.metadata.name, source.metadata.namespace]);
    assert.ok(existsSync(`${root}${release.spec.chart.spec.chart}/Chart.yaml`), 'the chart path exists');
  });

  test('its values render with the chart, and every Secret key they use is in the SealedSecret example', { skip: helmUnavailable() ?? false }, async () => {
    const release = only(all, 'HelmRelease') as Manifest & { spec: { values: Record<string, unknown> } };
    const rendered = renderChart(release.spec.values, 'forgebot', 'forgebot');
    for (const manifest of rendered.manifests) await validateManifest(manifest);
    const used = new Set(rendered.text.match(/(?<=secretKeyRef:\s+name: forgebot\s+key: )[-\w.]+/g) ?? []);
    const sealed = only(all, 'SealedSecret') as Manifest & { spec: { encryptedData: Record<string, string> } };
    assert.ok(used.size >= 5, `keys used: ${[...used].join(', ')}`);
    for (const key of used) assert.ok(key in sealed.spec.encryptedData, `${key} is in the SealedSecret example`);
  });
});

describe('Cloudflare Tunnel example', () => {
  const manifests = manifestsOf('deploy/cloudflare/cloudflared.yaml');

  test('every document matches its schema and the Deployment runs restricted', async () => {
    for (const manifest of manifests) await validateManifest(manifest);
    const pod = (only(manifests, 'Deployment') as Manifest & { spec: { template: { spec: { securityContext: Record<string, unknown>; containers: { securityContext: Record<string, unknown> }[] } } } }).spec.template.spec;
    assert.equal(pod.securityContext.runAsNonRoot, true);
    for (const container of pod.containers) {
      assert.deepEqual(container.securityContext, { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    }
  });

  test('only /webhook/* reaches forgebot; every other path answers 404', () => {
    const config = only(manifests, 'ConfigMap') as Manifest & { data: Record<string, string> };
    const tunnel = parse(config.data['config.yaml'] ?? '') as { ingress: { hostname?: string; path?: string; service: string }[] };
    const last = tunnel.ingress.at(-1);
    assert.deepEqual(last, { service: 'http_status:404' }, 'the catch-all rule answers 404');
    // cloudflared's rule matching: the first rule whose hostname and path regex match.
    const route = (host: string, path: string) =>
      tunnel.ingress.find((rule) => (!rule.hostname || rule.hostname === host) && (!rule.path || new RegExp(rule.path).test(path)))?.service;
    const server = 'http://forgebot-server.forgebot.svc.cluster.local:80';
    assert.equal(route('forgebot.example.com', '/webhook/gitlab'), server);
    for (const path of ['/healthz', '/readyz', '/', '/webhookx', '/metrics', '/api/webhook/gitlab']) {
      assert.equal(route('forgebot.example.com', path), 'http_status:404', path);
    }
    assert.equal(route('other.example.com', '/webhook/gitlab'), 'http_status:404');
  });
});

describe('Dockerfiles', () => {
  const stages = (path: string) => read(path).split('\n').filter((line) => /^FROM\s/.test(line));
  const instruction = (path: string, name: string) => read(path).split('\n').filter((line) => line.startsWith(`${name} `)).at(-1);
  /** The lines of the last stage (what the image runs). */
  const runStage = (path: string) => read(path).split(/^FROM .*$/m).at(-1) ?? '';

  for (const [file, entrypoint] of [
    ['deploy/docker/service.Dockerfile', '["node", "/app/bin/forgebot.js"]'],
    ['deploy/docker/runner.Dockerfile', '["node", "/app/dist/src/agents/runner-main.js"]'],
  ] as const) {
    test(`${file}: compiled in a build stage, run on a pinned glibc Node 24 with production dependencies and dist/ only, non-root 10001`, () => {
      const text = read(file);
      const base = /^ARG NODE_IMAGE=(\S+)$/m.exec(text)?.[1];
      assert.match(base ?? '', /^node:24\.\d+\.\d+-(trixie|bookworm)-slim(@sha256:[a-f0-9]{64})?$/, 'an exact Node 24 Debian slim tag');
      assert.ok(stages(file).length >= 3 && stages(file).every((line) => line.includes('${NODE_IMAGE}')), 'every stage on the pinned base');
      assert.match(text, /^FROM \$\{NODE_IMAGE\} AS build\n(.*\n)*?RUN .*npm ci --no-audit(.*\n)*?RUN npm run build$/m, 'the build stage installs devDependencies and runs npm run build');
      assert.match(text, /npm ci --omit=dev/);
      const run = runStage(file);
      assert.match(run, /^COPY --from=build \/app\/dist \.\/dist$/m, 'the image gets the compiled dist/');
      assert.match(run, /^COPY --from=deps \/app\/node_modules \.\/node_modules$/m, 'and the production node_modules');
      assert.doesNotMatch(run, /^COPY (src|tsconfig)/m, 'no TypeScript sources or config at run time');
      assert.equal(instruction(file, 'USER'), 'USER 10001:10001');
      assert.equal(instruction(file, 'ENTRYPOINT'), `ENTRYPOINT ${entrypoint}`);
      assert.equal(instruction(file, 'WORKDIR'), 'WORKDIR /app');
      assert.doesNotMatch(text, /^COPY \. /m, 'copies only what it needs');
    });
  }

  test('the build stages copy every file the compile reads (tsc --listFilesOnly of tsconfig.build.json)', async () => {
    const tsc = `${root}node_modules/typescript/bin/tsc`;
    const { stdout } = await promisify(execFile)(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--listFilesOnly'], { cwd: root, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 });
    const compiled = stdout.split('\n').filter(Boolean).map((file) => relative(root, file)).filter((file) => !file.startsWith('node_modules/'));
    assert.ok(compiled.includes('src/cli/main.ts'));
    for (const file of ['deploy/docker/service.Dockerfile', 'deploy/docker/runner.Dockerfile']) {
      const build = read(file).split(/^FROM /m).find((stage) => stage.includes(' AS build')) ?? '';
      const copied = [...build.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => (m[1] ?? '').split(' '));
      const covered = (path: string) => copied.some((source) => path === source || path.startsWith(`${source}/`));
      assert.deepEqual(compiled.filter((path) => !covered(path)), [], `${file}: the build stage copies all it compiles`);
    }
  });

  test('the runner image has git and ripgrep; the build context leaves out local state and secrets', () => {
    assert.match(read('deploy/docker/runner.Dockerfile'), /apt-get install -y --no-install-recommends git ripgrep/);
    const ignored = read('.dockerignore').split('\n').map((line) => line.trim());
    for (const entry of ['.git', 'node_modules', 'dist', '.tools', '.forgebot', '.env', 'test', 'bench']) assert.ok(ignored.includes(entry), entry);
    // Only what the build compiles comes back: the eval command's imports from bench/eval and test/helpers.
    assert.deepEqual(ignored.filter((line) => line.startsWith('!')), ['!test/helpers/git-repo.ts', '!bench/eval/*.ts']);
  });
});
