// The chart's GitHub settings (github.*): each credential only as a Secret reference and only in the processes that
// use it, the App id as a plain value where its key is, and the combinations forgebot refuses refused at render time.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HelmRenderError, helmUnavailable, renderChart, type Rendered } from './helpers/helm-render.js';
import { validateManifest } from './helpers/kubernetes-schemas.js';

const unavailable = helmUnavailable();
if (unavailable && process.env.CI === 'true') throw new Error(`the chart cannot be rendered in CI: ${unavailable}`);
const skip = unavailable ? `skipped: ${unavailable}` : false;

const FORGE = { networkPolicy: { forge: [{ cidr: '203.0.113.10/32', ports: [443] }] } };

interface Env { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }
interface DeploymentLike { spec: { template: { spec: { containers: { env?: Env[] }[] } } } }

function envOf(rendered: Rendered, name: string): Env[] {
  const found = rendered.manifests.find((manifest) => manifest.kind === 'Deployment' && manifest.metadata.name === name);
  assert.ok(found, `Deployment ${name} is rendered`);
  return (found as unknown as DeploymentLike).spec.template.spec.containers[0]?.env ?? [];
}
/** `NAME: key` of the Secret references, and `NAME=value` of the plain GitHub values, of one process. */
const githubOf = (rendered: Rendered, name: string) =>
  envOf(rendered, name)
    .filter((env) => env.name.startsWith('GITHUB_'))
    .map((env) => (env.valueFrom?.secretKeyRef ? `${env.name}: ${env.valueFrom.secretKeyRef.key}` : `${env.name}=${env.value}`))
    .sort();
const configOf = (rendered: Rendered) => (rendered.manifests.find((manifest) => manifest.kind === 'ConfigMap') as unknown as { data: Record<string, string> }).data;

describe('Helm chart: GitHub', { skip }, () => {
  test('a GitHub App: the webhook secret for the server, the App id and key for the worker and the agent-worker', async () => {
    const rendered = renderChart({
      ...FORGE,
      github: { appId: 1234567, apiUrl: 'https://ghe.example.com/api/v3', allowedRepositories: 'acme/*', secretKeys: { webhookSecret: 'github-webhook-secret', appPrivateKey: 'github-app-private-key' } },
    });
    for (const manifest of rendered.manifests) await validateManifest(manifest);
    assert.deepEqual(rendered.lintProblems, []);
    assert.deepEqual(githubOf(rendered, 'forgebot-server'), ['GITHUB_WEBHOOK_SECRET: github-webhook-secret']);
    for (const name of ['forgebot-worker', 'forgebot-agent-worker']) {
      assert.deepEqual(githubOf(rendered, name), ['GITHUB_APP_ID=1234567', 'GITHUB_APP_PRIVATE_KEY: github-app-private-key'], name);
    }
    const config = configOf(rendered);
    assert.deepEqual([config.GITHUB_API_URL, config.GITHUB_ALLOWED_REPOSITORIES], ['https://ghe.example.com/api/v3', 'acme/*']);
  });

  test('a token: the worker and the agent-worker get it, only the agent-worker the read-only clone token; GitLab keys dropped', async () => {
    const rendered = renderChart({
      ...FORGE,
      github: { secretKeys: { webhookSecret: 'gh-hook', token: 'gh-token', cloneToken: 'gh-clone' } },
      secrets: { server: { GITLAB_WEBHOOK_SECRET: null }, worker: { GITLAB_TOKEN: null }, agentWorker: { GITLAB_CLONE_TOKEN: null } },
    });
    for (const manifest of rendered.manifests) await validateManifest(manifest);
    assert.deepEqual(githubOf(rendered, 'forgebot-server'), ['GITHUB_WEBHOOK_SECRET: gh-hook']);
    assert.deepEqual(githubOf(rendered, 'forgebot-worker'), ['GITHUB_TOKEN: gh-token']);
    assert.deepEqual(githubOf(rendered, 'forgebot-agent-worker'), ['GITHUB_CLONE_TOKEN: gh-clone', 'GITHUB_TOKEN: gh-token']);
    for (const name of ['forgebot-server', 'forgebot-worker', 'forgebot-agent-worker']) {
      assert.deepEqual(envOf(rendered, name).filter((env) => env.name.startsWith('GITLAB_')), [], `${name}: GitHub only`);
    }
  });

  test('without github.* nothing of GitHub is rendered', () => {
    const rendered = renderChart(FORGE);
    for (const name of ['forgebot-server', 'forgebot-worker', 'forgebot-agent-worker']) assert.deepEqual(githubOf(rendered, name), [], name);
    assert.deepEqual(Object.keys(configOf(rendered)).filter((key) => key.startsWith('GITHUB_')), []);
  });

  test('an App id without its key, a key without its id, or an App and a token together are refused, naming the values', () => {
    const refused = (github: Record<string, unknown>, message: RegExp) =>
      assert.throws(() => renderChart({ ...FORGE, github }), (error: unknown) => error instanceof HelmRenderError && message.test(error.message));
    refused({ appId: 42 }, /github\.appId needs github\.secretKeys\.appPrivateKey/);
    refused({ secretKeys: { appPrivateKey: 'k' } }, /github\.secretKeys\.appPrivateKey needs github\.appId/);
    refused({ appId: 42, secretKeys: { appPrivateKey: 'k', token: 't' } }, /either a GitHub App \(github\.appId\) or github\.secretKeys\.token/);
    refused({ appId: 'abc', secretKeys: { appPrivateKey: 'k' } }, /appId/);
  });
});
