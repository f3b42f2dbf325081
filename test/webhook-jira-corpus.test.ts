// Every real Jira payload in ../shared/fixtures/webhooks/jira (Cloud and Server shapes), exactly as published, with
// its sidecar headers and re-signed with a test secret: each is acknowledged with the action its event and changelog
// call for, none is refused as malformed. The ready status is set to statuses the payloads move between ("In
// Progress" by name, Cloud's "Done" by id, Server's "Resolved" by name in another case), so that real payloads of
// both shapes enter and leave it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { loadConfig } from '../src/config.js';
import type { JiraWebhookAction } from '../src/domain/jira/ticket.js';
import { createLogger } from '../src/logger.js';
import type { TicketStarter } from '../src/webhooks/jira/dispatch-jira-action.js';
import { startWebhookServer } from '../src/webhooks/server.js';
import { fixtureNames, fixturesAvailable, loadFixture } from './helpers/fixtures.js';
import { RecordingStarter } from './helpers/recording-starter.js';
import { connectRedis } from './helpers/redis.js';

const ABSENT = '../shared/fixtures/webhooks/jira is absent (a user clone): the Jira payload corpus is not available';
const SECRET = 'jira-corpus-test-secret';

type Acted = Exclude<JiraWebhookAction, { kind: 'ignore' }>;

/** One line per action, as the table below writes them: `ready TES-4 changelog 10508 → 3 "In Progress"`. */
function summary(action: Acted): string {
  switch (action.kind) {
    case 'ready':
      return `ready ${action.key} changelog ${action.changelogId} → ${action.toStatus.id} "${action.toStatus.name}"`;
    case 'withdrawn':
      return `withdrawn ${action.key} ${action.why}${action.changelogId === undefined ? '' : ` changelog ${action.changelogId}`}`;
    case 'comment':
      return `comment ${action.key} ${action.commentId} by ${action.author.accountId} "${action.author.displayName}"`;
  }
}

const ignored = (reason: string) => `ignored: ${reason}`;
const NO_STATUS = ignored('the update changes no status');
const CREATED = ignored('event "jira:issue_created" (issue_created) is not handled');
const CLOUD_COMMENT = 'comment TES-41 10019 by 5c5f880629be9642ba529340 "Test User"';
const SERVER_COMMENT = 'comment TEST-4 10503 by test "User"';
const DELETED = 'withdrawn IDT-19 deleted';

/** What each payload comes to, per JIRA_READY_STATUS. */
const EXPECTED: Record<string, Record<string, string>> = {
  'In Progress': {
    'comment_created--cloud': CLOUD_COMMENT,
    'issue_created--default': CREATED,
    'issue_deleted--default': DELETED,
    'issue_updated--assigned': NO_STATUS,
    'issue_updated--commented': SERVER_COMMENT,
    'issue_updated--labels': NO_STATUS,
    'issue_updated--resolution-only-no-status': NO_STATUS,
    'issue_updated--server-status-reopened-to-in-progress': 'ready TES-4 changelog 10508 → 3 "In Progress"',
    'issue_updated--server-status-resolved-to-closed': ignored('status "Resolved" → "Closed" neither enters nor leaves "In Progress"'),
    'issue_updated--server-status-resolved-to-reopened': ignored('status "Resolved" → "Reopened" neither enters nor leaves "In Progress"'),
    'issue_updated--status-done-to-todo': ignored('status "Done" → "To Do" neither enters nor leaves "In Progress"'),
    'issue_updated--status-in-progress-to-done': 'withdrawn TES-41 left-ready changelog 10228',
    'issue_updated--status-todo-to-in-progress': 'ready TES-41 changelog 10227 → 3 "In Progress"',
  },
  // Cloud's Done, by id.
  '10002': {
    'comment_created--cloud': CLOUD_COMMENT,
    'issue_created--default': CREATED,
    'issue_deleted--default': DELETED,
    'issue_updated--assigned': NO_STATUS,
    'issue_updated--commented': SERVER_COMMENT,
    'issue_updated--labels': NO_STATUS,
    'issue_updated--resolution-only-no-status': NO_STATUS,
    'issue_updated--server-status-reopened-to-in-progress': ignored('status "Reopened" → "In Progress" neither enters nor leaves "10002"'),
    'issue_updated--server-status-resolved-to-closed': ignored('status "Resolved" → "Closed" neither enters nor leaves "10002"'),
    'issue_updated--server-status-resolved-to-reopened': ignored('status "Resolved" → "Reopened" neither enters nor leaves "10002"'),
    'issue_updated--status-done-to-todo': 'withdrawn TES-41 left-ready changelog 10229',
    'issue_updated--status-in-progress-to-done': 'ready TES-41 changelog 10228 → 10002 "Done"',
    'issue_updated--status-todo-to-in-progress': ignored('status "To Do" → "In Progress" neither enters nor leaves "10002"'),
  },
  // Server's Resolved, by name in lower case.
  resolved: {
    'comment_created--cloud': CLOUD_COMMENT,
    'issue_created--default': CREATED,
    'issue_deleted--default': DELETED,
    'issue_updated--assigned': NO_STATUS,
    'issue_updated--commented': SERVER_COMMENT,
    'issue_updated--labels': NO_STATUS,
    'issue_updated--resolution-only-no-status': NO_STATUS,
    'issue_updated--server-status-reopened-to-in-progress': ignored('status "Reopened" → "In Progress" neither enters nor leaves "resolved"'),
    'issue_updated--server-status-resolved-to-closed': 'withdrawn TES-4 left-ready changelog 10511',
    'issue_updated--server-status-resolved-to-reopened': 'withdrawn TES-4 left-ready changelog 10507',
    'issue_updated--status-done-to-todo': ignored('status "Done" → "To Do" neither enters nor leaves "resolved"'),
    'issue_updated--status-in-progress-to-done': ignored('status "In Progress" → "Done" neither enters nor leaves "resolved"'),
    'issue_updated--status-todo-to-in-progress': ignored('status "To Do" → "In Progress" neither enters nor leaves "resolved"'),
  },
};

/** Records every call in order (a delivery's call happens before its answer). */
class RecordingTickets implements TicketStarter {
  calls: Acted[] = [];
  ready = async (action: Acted) => void this.calls.push(action);
  withdrawn = async (action: Acted) => void this.calls.push(action);
  comment = async (action: Acted) => void this.calls.push(action);
}

/** A fixture as Jira sent it (its sidecar headers: content type, X-Atlassian-Webhook-Identifier), signed with the test secret. */
function deliver(url: string, name: string): Promise<Response> {
  const fixture = loadFixture('jira', name);
  const signature = `sha256=${createHmac('sha256', SECRET).update(fixture.body).digest('hex')}`;
  return fetch(`${url}/webhook/jira`, { method: 'POST', headers: { ...fixture.headers, 'X-Hub-Signature': signature }, body: fixture.body });
}

let redis: Redis;
before(async () => {
  redis = await connectRedis();
});
after(() => redis?.disconnect());

/** Every fixture, delivered in name order to a fresh server (its own dedupe keys) with `readyStatus`: the outcomes. */
async function outcomes(readyStatus: string): Promise<Record<string, string>> {
  const tickets = new RecordingTickets();
  const config = loadConfig({ PORT: '0', JIRA_WEBHOOK_SECRET: SECRET, JIRA_READY_STATUS: readyStatus, OUTBOX_DIR: await mkdtemp(join(tmpdir(), 'forgebot-outbox-')) });
  const server = await startWebhookServer({ config, redis, starter: new RecordingStarter(), tickets, logger: createLogger('silent'), dedupePrefix: `forgebot-test:${randomUUID()}:` });
  const seen: Record<string, string> = {};
  try {
    for (const name of fixtureNames('jira')) {
      const calls = tickets.calls.length;
      const response = await deliver(server.url, name);
      const json = (await response.json()) as Record<string, unknown>;
      const call = tickets.calls.length === calls + 1 ? tickets.calls.at(-1) : undefined;
      if (response.status === 202 && json.status === 'ignored' && call === undefined) seen[name] = ignored(String(json.reason));
      else if (response.status === 202 && json.status === 'accepted' && call !== undefined) {
        seen[name] = summary(call);
        assert.equal(json.workflowId, `ticket:jira:${call.key}`, name);
      } else seen[name] = `${response.status} ${JSON.stringify(json)} (${tickets.calls.length - calls} calls)`;
    }
  } finally {
    await server.close();
  }
  return seen;
}

test('every real Jira delivery in ../shared comes to the action its event and changelog call for (ready status by name, by id, in any case)', async (t) => {
  if (!fixturesAvailable('jira')) return void t.skip(ABSENT);
  for (const [readyStatus, expected] of Object.entries(EXPECTED)) {
    assert.deepEqual(fixtureNames('jira'), Object.keys(expected).sort(), 'every payload of the corpus has an expected action');
    assert.deepEqual(await outcomes(readyStatus), expected, `JIRA_READY_STATUS=${readyStatus}`);
  }
});

test('the real ready payloads carry what the ticket workflow is started with (Cloud and Server shapes alike)', async (t) => {
  if (!fixturesAvailable('jira')) return void t.skip(ABSENT);
  const tickets = new RecordingTickets();
  const config = loadConfig({ PORT: '0', JIRA_WEBHOOK_SECRET: SECRET, JIRA_READY_STATUS: 'in progress', JIRA_PROJECTS: 'TES', OUTBOX_DIR: await mkdtemp(join(tmpdir(), 'forgebot-outbox-')) });
  const server = await startWebhookServer({ config, redis, starter: new RecordingStarter(), tickets, logger: createLogger('silent'), dedupePrefix: `forgebot-test:${randomUUID()}:` });
  try {
    for (const name of ['issue_updated--status-todo-to-in-progress', 'issue_updated--server-status-reopened-to-in-progress']) {
      assert.equal((await deliver(server.url, name)).status, 202, name);
      // Delivered again as Jira retries it (the same identifier): a duplicate.
      assert.deepEqual(await (await deliver(server.url, name)).json(), { status: 'duplicate' }, name);
    }
    // Project TEST is not in JIRA_PROJECTS.
    assert.deepEqual(await (await deliver(server.url, 'issue_updated--commented')).json(), { status: 'ignored', reason: 'project not allowed' });
  } finally {
    await server.close();
  }
  assert.deepEqual(tickets.calls, [
    { kind: 'ready', key: 'TES-41', issueId: '10040', projectKey: 'TES', changelogId: '10227', toStatus: { id: '3', name: 'In Progress' } },
    { kind: 'ready', key: 'TES-4', issueId: '10300', projectKey: 'TES', changelogId: '10508', toStatus: { id: '3', name: 'In Progress' } },
  ]);
});
