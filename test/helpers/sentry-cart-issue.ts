// The Sentry side of the buggy cart project (buggy-project.ts) for the end-to-end tests: an issue whose latest event
// is the TypeError `total()` raises, with its in-app frame at src/cart.js:7 (as /srv/app/src/cart.js, the path the
// deployed app runs from), and the webhook payloads Sentry sends about it (the real payloads' shape, re-pointed).
import type { AddIssue } from '../../src/fakes/sentry/fake-sentry.js';
import { workflowIdFor } from '../../src/domain/subject-ref.js';
import { BUG_LINE, CART_JS, CART_PATH } from './buggy-project.js';
import { sentryPayload } from './sentry-payloads.js';

/** The organization of the payloads' installation (`installation.organization.slug`). */
export const SENTRY_ORG = 'example';
export const CART_ERROR = { type: 'TypeError', value: "Cannot read properties of undefined (reading 'price')" } as const;
/** Where the app runs from: the mapping's path rewrite turns `/srv/app/src/cart.js` into `src/cart.js`. */
export const APP_ROOT = '/srv/app/';

export interface CartIssue {
  id: string;
  shortId: string;
  /** The Sentry project slug (each has its own mapping). */
  project: string;
  workflowId: string;
  /** The fix branch forgebot pushes for it. */
  branch: string;
}

let next = 0;
/** A new issue of `project`, with ids no other case of this process uses. */
export function newCartIssue(project: string): CartIssue {
  next += 1;
  const id = String(4_100 + next);
  const shortId = `CART-${next}`;
  return { id, shortId, project, workflowId: workflowIdFor('sentry-fix', { kind: 'sentry-issue', org: SENTRY_ORG, issueId: id }), branch: `forgebot/sentry-${shortId}` };
}

/** Lines `line - around` … `line + around` of src/cart.js as Sentry's `context` (`[[number, text], …]`). */
function contextOf(line: number, around = 3): Array<[number, string]> {
  const lines = CART_JS.split('\n');
  const first = Math.max(1, line - around);
  return lines.slice(first - 1, line + around).map((text, index): [number, string] => [first + index, text]);
}

const frame = (fields: Record<string, unknown>) => ({ module: null, package: null, platform: null, instructionAddr: null, symbolAddr: null, trust: null, symbol: null, rawFunction: null, errors: null, vars: null, ...fields });

/** The latest event as Sentry's API answers `events/latest/` (camelCase frames, innermost last, `entries`). */
export function cartEvent(issue: CartIssue): Record<string, unknown> {
  const frames = [
    frame({ function: 'processTicksAndRejections', absPath: 'node:internal/process/task_queues', filename: 'node:internal/process/task_queues', lineNo: 95, colNo: 5, inApp: false, context: [] }),
    frame({ function: 'checkout', absPath: `${APP_ROOT}src/routes/checkout.js`, filename: `${APP_ROOT}src/routes/checkout.js`, lineNo: 12, colNo: 10, inApp: true, context: [[12, '  const sum = total(cart.items);']] }),
    frame({
      function: 'total', absPath: `${APP_ROOT}${CART_PATH}`, filename: `${APP_ROOT}${CART_PATH}`, lineNo: BUG_LINE, colNo: 24, inApp: true, context: contextOf(BUG_LINE),
      vars: { items: '[{"price":2,"quantity":1},null,{"price":3,"quantity":2}]', index: 1, sum: 2 },
    }),
  ];
  const eventId = issue.id.padStart(32, 'e');
  return {
    id: eventId, eventID: eventId, groupID: issue.id, projectID: '456', title: `${CART_ERROR.type}: ${CART_ERROR.value}`, message: '', platform: 'node',
    dateCreated: '2026-03-02T10:15:42.118000Z', culprit: 'total(src/cart)', environment: 'production',
    tags: [{ key: 'environment', value: 'production' }, { key: 'handled', value: 'no' }, { key: 'release', value: 'cart@1.0.0' }, { key: 'transaction', value: 'POST /checkout' }],
    release: { version: 'cart@1.0.0' },
    entries: [
      {
        type: 'exception',
        data: { values: [{ type: CART_ERROR.type, value: CART_ERROR.value, module: null, mechanism: { type: 'onuncaughtexception', handled: false }, stacktrace: { frames } }] },
      },
      {
        type: 'breadcrumbs',
        data: { values: [{ type: 'http', category: 'http', level: 'info', timestamp: '2026-03-02T10:15:42.101000Z', message: null, data: { method: 'POST', url: '/checkout', status_code: 500 } }] },
      },
      { type: 'request', data: { method: 'POST', url: 'https://cart.example.com/checkout', query: [], data: null, fragment: null, headers: [['Cookie', 'session=s3cr3t-cookie']] } },
    ],
  };
}

/** The issue as the fake Sentry holds it, with its latest event. */
export function cartIssueInSentry(issue: CartIssue): AddIssue {
  return {
    org: SENTRY_ORG, id: issue.id, shortId: issue.shortId, project: { id: '456', slug: issue.project, platform: 'node' }, platform: 'node',
    title: `${CART_ERROR.type}: ${CART_ERROR.value}`, culprit: 'total(src/cart)', metadata: { type: CART_ERROR.type, value: CART_ERROR.value, filename: `${APP_ROOT}${CART_PATH}`, function: 'total' },
    count: 3, userCount: 2, events: [cartEvent(issue)],
  };
}

/**
 * Sentry's `issue` webhook for the issue: the real payload with its issue replaced. `regressed` is how Sentry says a
 * resolved issue was seen again: action `unresolved`, substatus `regressed` (the `created` payload, re-marked).
 */
export function cartIssuePayload(issue: CartIssue, action: 'created' | 'resolved' | 'regressed'): { resource: string; json: Record<string, unknown> } {
  const payload = sentryPayload(action === 'resolved' ? 'issue--resolved' : 'issue--created');
  const data = payload.json.data as { issue: Record<string, unknown> };
  Object.assign(data.issue, {
    id: issue.id, shortId: issue.shortId, title: `${CART_ERROR.type}: ${CART_ERROR.value}`, culprit: 'total(src/cart)', platform: 'node',
    status: action === 'resolved' ? 'resolved' : 'unresolved', project: { id: '456', name: issue.project, slug: issue.project, platform: 'node' },
    metadata: { type: CART_ERROR.type, value: CART_ERROR.value, filename: `${APP_ROOT}${CART_PATH}`, function: 'total' }, count: '3', userCount: 2,
  });
  if (action === 'regressed') {
    payload.json.action = 'unresolved';
    data.issue.substatus = 'regressed';
  }
  return payload;
}
