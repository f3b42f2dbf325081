import { createHmac, randomUUID } from 'node:crypto';
import { fixturesAvailable, loadFixture } from './fixtures.js';

export const SENTRY_TEST_SECRET = 'sentry-test-client-secret';

/** The Sentry project the payloads come from (org `example`, project `ipe`, issue 123 `IPE-1`), mapped to a GitLab project. */
export const TEST_MAPPING = { org: 'example', project: 'ipe', forge: 'gitlab', projectId: 7, projectPath: 'acme/ipe' } as const;

const installation = { app: { uuid: '64bf2cf4-37ca-4365-8dd3-6b6e56d741b8', slug: 'app' }, organization: { slug: 'example' }, uuid: '7a485448-a9e2-4c85-8a3c-4f44175783c9' };
const metadata = { value: 'This is a test error!', type: 'Another Error #1', filename: '/frontend/src/util.ts', function: 'SentryCustomError' };

function issue(action: string, status: string) {
  return {
    action,
    data: {
      issue: {
        id: '123', shortId: 'IPE-1', title: 'Error #1: This is a test error!', culprit: 'SentryCustomError(frontend/src/util)', level: 'error',
        status, statusDetails: {}, platform: 'javascript', project: { id: '456', name: 'ipe', slug: 'ipe', platform: 'javascript-react' },
        type: 'error', metadata, count: '1', userCount: 1, firstSeen: '2022-04-04T18:17:18.320000Z', lastSeen: '2022-04-04T18:17:18.320000Z',
      },
    },
    installation,
  };
}

const event = {
  event_id: 'def456', platform: 'javascript', datetime: '2022-04-04T18:17:18.320000Z', culprit: 'SentryCustomError(frontend/src/util)', metadata,
  title: 'Error #1: This is a test error!', issue_id: '123', environment: 'production', web_url: 'https://sentry.io/organizations/lxyz/issues/123/events/def456/',
};

// Sentry-shaped stand-ins for the payloads in ../shared (absent on a user's clone), with the same identifying values,
// so that every test but the corpus test runs anywhere. The real payloads win when present.
const SYNTHETIC: Record<string, { resource: string; json: Record<string, unknown> }> = {
  'issue--created': { resource: 'issue', json: issue('created', 'unresolved') },
  'issue--resolved': { resource: 'issue', json: issue('resolved', 'resolved') },
  'issue--ignored': { resource: 'issue', json: issue('ignored', 'ignored') },
  'issue--assigned': { resource: 'issue', json: issue('assigned', 'unresolved') },
  'event_alert--triggered': { resource: 'event_alert', json: { action: 'triggered', data: { event }, installation } },
  'installation--created': { resource: 'installation', json: { action: 'created', data: { installation }, installation } },
  'metric_alert--critical': { resource: 'metric_alert', json: { action: 'critical', data: { metric_alert: { id: '789', title: 'metric alert' } }, installation } },
  'comment--created': { resource: 'comment', json: { action: 'created', data: { comment_id: 456, issue_id: '123', project_slug: 'ipe', comment: 'a comment' }, installation } },
};

/** A Sentry payload by fixture name (`issue--created`): the real one from ../shared when present, else its stand-in. */
export function sentryPayload(name: string): { resource: string; json: Record<string, unknown> } {
  if (fixturesAvailable('sentry')) {
    const fixture = loadFixture('sentry', name);
    return { resource: fixture.headers['Sentry-Hook-Resource'] ?? '', json: fixture.json };
  }
  const synthetic = SYNTHETIC[name];
  if (!synthetic) throw new Error(`no Sentry stand-in for ${name}`);
  return { resource: synthetic.resource, json: structuredClone(synthetic.json) };
}

export const sentrySignature = (secret: string, body: string | Buffer) => createHmac('sha256', secret).update(body).digest('hex');

export interface SentryDelivery {
  headers: Record<string, string>;
  body: string;
}

/** Headers and body of a delivery as Sentry sends it: signed with the test secret, stamped now, a fresh Request-ID. */
export function signedSentryDelivery(
  resource: string,
  json: unknown,
  options: { secret?: string; requestId?: string; timestamp?: number; body?: string } = {},
): SentryDelivery {
  const body = options.body ?? JSON.stringify(json);
  return {
    headers: {
      'Content-Type': 'application/json',
      'Request-ID': options.requestId ?? randomUUID(),
      'Sentry-Hook-Resource': resource,
      'Sentry-Hook-Timestamp': String(options.timestamp ?? Math.floor(Date.now() / 1_000)),
      'Sentry-Hook-Signature': sentrySignature(options.secret ?? SENTRY_TEST_SECRET, body),
    },
    body,
  };
}

export async function deliverSentry(url: string, delivery: SentryDelivery): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${url}/webhook/sentry`, { method: 'POST', headers: delivery.headers, body: delivery.body });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}
