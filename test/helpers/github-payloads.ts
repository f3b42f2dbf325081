import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { sign } from '@octokit/webhooks-methods';
import { fixturesAvailable, loadFixture } from './fixtures.js';

export const GITHUB_TEST_SECRET = 'github-test-webhook-secret';

interface ExampleGroup {
  name: string;
  examples: Record<string, unknown>[];
}
const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as ExampleGroup[];

/** A payload from @octokit/webhooks-examples (GitHub's own documented examples): `event` with `action` (and `merged`). */
export function octokitExample(event: string, action?: string, merged?: boolean): Record<string, unknown> {
  const isMerged = (example: Record<string, unknown>) => (example.pull_request as { merged?: boolean } | undefined)?.merged === true;
  const found = examples
    .find((group) => group.name === event)
    ?.examples.find((example) => (action === undefined || example.action === action) && (merged === undefined || isMerged(example) === merged));
  if (!found) throw new Error(`no @octokit/webhooks-examples payload for ${event}${action ? `.${action}` : ''}`);
  return structuredClone(found);
}

/**
 * A GitHub payload by fixture name (`pull_request--opened`): the real delivery from ../shared when present, else
 * the @octokit/webhooks-examples payload of the same event and action (so the tests run on any clone).
 */
export function githubPayload(name: string): { event: string; json: Record<string, unknown> } {
  if (fixturesAvailable('github')) {
    const fixture = loadFixture('github', name);
    return { event: fixture.headers['X-GitHub-Event'] ?? '', json: fixture.json };
  }
  // `pull_request--closed-merged` → closed and merged; `issue_comment--created-on-pull-request` → created; ping has no action.
  const [event = '', variant = ''] = name.split('--');
  const action = event === 'ping' ? undefined : variant.split('-')[0];
  const json = octokitExample(event, action, action === 'closed' ? false : undefined);
  // The examples hold no merged close: the closed one, merged (as GitHub sends it, `merged: true`).
  if (variant === 'closed-merged') (json.pull_request as { merged: boolean }).merged = true;
  return { event, json };
}

/** Headers and body of a signed delivery, as GitHub sends it. */
export async function signedDelivery(
  event: string,
  json: unknown,
  options: { secret?: string; delivery?: string; body?: string } = {},
): Promise<{ headers: Record<string, string>; body: string }> {
  const body = options.body ?? JSON.stringify(json);
  return {
    headers: {
      'Content-Type': 'application/json',
      'X-GitHub-Event': event,
      'X-GitHub-Delivery': options.delivery ?? randomUUID(),
      'X-Hub-Signature-256': await sign(options.secret ?? GITHUB_TEST_SECRET, body),
    },
    body,
  };
}

export async function deliverGitHub(url: string, delivery: { headers: Record<string, string>; body: string }): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${url}/webhook/github`, { method: 'POST', headers: delivery.headers, body: delivery.body });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}
