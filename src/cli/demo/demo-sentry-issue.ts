// The Sentry side of the demo: one issue of the demo shop whose latest event is the TypeError that src/badge.js
// raises for a new session's cart (in-app frames at src/badge.js:5 and src/header.js:6, reported from /srv/shop/,
// where the shop runs), as Sentry's API answers it, and the `issue.created` webhook Sentry sends about it.
import type { AddIssue } from '../../fakes/sentry/fake-sentry.js';
import { BADGE_ERROR, BADGE_JS, BADGE_PATH, BUG_COLUMN, BUG_LINE, HEADER_JS, HEADER_LINE, HEADER_PATH } from '../../fakes/anthropic/demo-shop-bug.js';

export const DEMO_SENTRY_ORG = 'demo';
export const DEMO_SENTRY_PROJECT = { id: '4501', slug: 'shop' } as const;
/** Where the shop runs: the mapping's path rewrite turns `/srv/shop/src/badge.js` into `src/badge.js`. */
export const DEMO_APP_ROOT = '/srv/shop/';

export interface DemoSentryIssue {
  id: string;
  shortId: string;
}

const TITLE = `${BADGE_ERROR.type}: ${BADGE_ERROR.value}`;

/** Lines `line - 3` … `line + 3` of `source` as Sentry's frame `context` (`[[number, text], …]`). */
function contextOf(source: string, line: number): Array<[number, string]> {
  const lines = source.split('\n');
  const first = Math.max(1, line - 3);
  return lines.slice(first - 1, line + 3).map((text, index): [number, string] => [first + index, text]);
}

const frame = (fields: Record<string, unknown>) => ({ module: null, package: null, platform: null, instructionAddr: null, symbolAddr: null, trust: null, symbol: null, rawFunction: null, errors: null, vars: null, ...fields });

/** The latest event as `GET …/issues/{id}/events/latest/` answers it (camelCase frames, innermost last, `entries`). */
export function demoSentryEvent(issue: DemoSentryIssue): Record<string, unknown> {
  const frames = [
    frame({ function: 'processTicksAndRejections', absPath: 'node:internal/process/task_queues', filename: 'node:internal/process/task_queues', lineNo: 95, colNo: 5, inApp: false, context: [] }),
    frame({
      function: 'renderHeader', absPath: `${DEMO_APP_ROOT}${HEADER_PATH}`, filename: `${DEMO_APP_ROOT}${HEADER_PATH}`, lineNo: HEADER_LINE, colNo: 30, inApp: true,
      context: contextOf(HEADER_JS, HEADER_LINE), vars: { session: '{"id":"s-7f3a","cart":{"id":"c-91d2","createdAt":"2026-03-02T10:15:40Z"}}' },
    }),
    frame({
      function: 'cartBadgeCount', absPath: `${DEMO_APP_ROOT}${BADGE_PATH}`, filename: `${DEMO_APP_ROOT}${BADGE_PATH}`, lineNo: BUG_LINE, colNo: BUG_COLUMN, inApp: true,
      context: contextOf(BADGE_JS, BUG_LINE), vars: { cart: '{"id":"c-91d2","createdAt":"2026-03-02T10:15:40Z"}' },
    }),
  ];
  const eventId = issue.id.padStart(32, 'e');
  return {
    id: eventId, eventID: eventId, groupID: issue.id, projectID: DEMO_SENTRY_PROJECT.id, title: TITLE, message: '', platform: 'node',
    dateCreated: new Date().toISOString(), culprit: `cartBadgeCount(${BADGE_PATH.replace(/\.js$/, '')})`, environment: 'production',
    tags: [{ key: 'environment', value: 'production' }, { key: 'handled', value: 'no' }, { key: 'release', value: 'demo-shop@1.0.0' }, { key: 'transaction', value: 'GET /' }],
    release: { version: 'demo-shop@1.0.0' },
    entries: [
      { type: 'exception', data: { values: [{ type: BADGE_ERROR.type, value: BADGE_ERROR.value, module: null, mechanism: { type: 'onuncaughtexception', handled: false }, stacktrace: { frames } }] } },
      { type: 'breadcrumbs', data: { values: [{ type: 'http', category: 'http', level: 'info', timestamp: new Date().toISOString(), message: null, data: { method: 'GET', url: '/', status_code: 500 } }] } },
      { type: 'request', data: { method: 'GET', url: 'https://shop.example.com/', query: [], data: null, fragment: null, headers: [['Cookie', 'session=s-7f3a']] } },
    ],
  };
}

const metadata = { type: BADGE_ERROR.type, value: BADGE_ERROR.value, filename: `${DEMO_APP_ROOT}${BADGE_PATH}`, function: 'cartBadgeCount' };

/** The issue as the fake Sentry holds it, with its latest event. */
export function demoSentryIssueRecord(issue: DemoSentryIssue): AddIssue {
  return {
    org: DEMO_SENTRY_ORG, id: issue.id, shortId: issue.shortId, project: { ...DEMO_SENTRY_PROJECT, platform: 'node' }, platform: 'node',
    title: TITLE, culprit: `cartBadgeCount(${BADGE_PATH.replace(/\.js$/, '')})`, metadata, count: 12, userCount: 7, events: [demoSentryEvent(issue)],
  };
}

/** The body of Sentry's `issue` webhook, action `created` (Sentry-Hook-Resource: issue), for the issue. */
export function demoIssueCreatedPayload(issue: DemoSentryIssue, sentryUrl: string): Record<string, unknown> {
  const now = new Date().toISOString();
  const apiUrl = `${sentryUrl}/api/0/organizations/${DEMO_SENTRY_ORG}/issues/${issue.id}/`;
  const webUrl = `${sentryUrl}/organizations/${DEMO_SENTRY_ORG}/issues/${issue.id}/`;
  return {
    action: 'created',
    installation: { uuid: '2d5b6a0e-8f1c-4c57-9a41-6d0f3e7c9b12' },
    actor: { type: 'application', id: 'sentry', name: 'Sentry' },
    data: {
      issue: {
        id: issue.id, shortId: issue.shortId, title: TITLE, culprit: `cartBadgeCount(${BADGE_PATH.replace(/\.js$/, '')})`, level: 'error', status: 'unresolved',
        substatus: 'new', issueCategory: 'error', platform: 'node', project: { id: DEMO_SENTRY_PROJECT.id, name: DEMO_SENTRY_PROJECT.slug, slug: DEMO_SENTRY_PROJECT.slug, platform: 'node' },
        type: 'error', metadata, count: '12', userCount: 7, firstSeen: now, lastSeen: now, url: apiUrl, web_url: webUrl, permalink: webUrl,
      },
    },
  };
}
