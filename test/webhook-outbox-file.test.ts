import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { appendFile, mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../src/logger.js';
import { openFileOutboxStore } from '../src/webhooks/outbox/file-outbox.js';
import type { OutboxEntry } from '../src/webhooks/outbox/outbox-store.js';

const logger = createLogger('silent');

function entry(number: number): OutboxEntry {
  return {
    id: randomUUID(),
    queuedAt: new Date().toISOString(),
    workflow: 'review',
    subject: { kind: 'change', change: { forge: 'gitlab', projectId: 1, projectPath: 'group/app', number } },
    op: 'signal',
    signal: { name: 'changeClosed', args: [{ reason: 'closed', padding: 'x'.repeat(number % 7 === 0 ? 70_000 : 10) }] },
  };
}

const numbers = (held: { entry: OutboxEntry | undefined }[]) => held.map((h) => (h.entry?.subject.kind === 'change' ? h.entry.subject.change.number : -1));

describe('file outbox', () => {
  test('concurrent appends all land, one JSON line each, in the order they were made; a reopened store finds them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'forgebot-outbox-'));
    const store = openFileOutboxStore(dir, logger);
    await Promise.all(Array.from({ length: 300 }, (_, index) => store.append(entry(index + 1))));
    assert.equal(store.pending(), 300);
    const lines = (await readFile(join(dir, 'outbox.jsonl'), 'utf8')).split('\n');
    assert.equal(lines.pop(), '', 'every line is complete');
    assert.deepEqual(
      lines.map((line) => (JSON.parse(line) as OutboxEntry).subject),
      Array.from({ length: 300 }, (_, index) => entry(index + 1).subject),
    );
    const reopened = openFileOutboxStore(dir, logger);
    assert.equal(await reopened.size(), 300);
    assert.deepEqual(numbers(await reopened.head(1_000)), Array.from({ length: 300 }, (_, index) => index + 1), 'entries larger than a read chunk included');
  });

  test('what was handed over stays handed over across a restart; a drained queue is truncated', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'forgebot-outbox-'));
    const store = openFileOutboxStore(dir, logger);
    for (let index = 1; index <= 10; index++) await store.append(entry(index));
    for (const held of await store.head(4)) await store.shift(held);
    const reopened = openFileOutboxStore(dir, logger);
    assert.equal(await reopened.size(), 6);
    const rest = await reopened.head(100);
    assert.deepEqual(numbers(rest), [5, 6, 7, 8, 9, 10]);
    await reopened.bury(rest[0]!);
    for (const held of rest.slice(1)) await reopened.shift(held);
    assert.equal((await stat(join(dir, 'outbox.jsonl'))).size, 0);
    assert.equal((await readFile(join(dir, 'dead.jsonl'), 'utf8')).trim().split('\n').length, 1);
    await reopened.append(entry(42));
    assert.deepEqual(numbers(await openFileOutboxStore(dir, logger).head(10)), [42], 'a new entry after the truncation is found after a restart');
  });

  test('a line cut short by a crash (never acknowledged) is dropped when the store opens, and the next append is whole', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'forgebot-outbox-'));
    const store = openFileOutboxStore(dir, logger);
    await store.append(entry(1));
    await appendFile(join(dir, 'outbox.jsonl'), '{"id":"cut-sh');
    const reopened = openFileOutboxStore(dir, logger);
    assert.equal(await reopened.size(), 1);
    await reopened.append(entry(2));
    assert.deepEqual(numbers(await reopened.head(10)), [1, 2]);
    assert.ok((await readFile(join(dir, 'outbox.jsonl'), 'utf8')).endsWith('}\n'));
  });

  test('a directory that cannot be created is reported by check() and by append, not thrown at start', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'forgebot-outbox-')), 'a-file');
    await appendFile(file, '');
    const store = openFileOutboxStore(join(file, 'outbox'), logger);
    await assert.rejects(store.check(), /ENOTDIR/);
    await assert.rejects(store.append(entry(1)), /ENOTDIR/);
    assert.equal(store.pending(), 0);
  });
});
