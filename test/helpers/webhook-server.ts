import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import type { ReviewStarter } from '../../src/webhooks/review-starter.js';
import { startWebhookServer, type WebhookServer } from '../../src/webhooks/server.js';

export const TEST_SECRET = 'test-webhook-secret';

/** The webhook server on a free port, with dedupe keys isolated under a fresh prefix and a file outbox of its own. */
export async function startTestWebhookServer(redis: Redis, starter: ReviewStarter, env: Record<string, string> = {}, dedupePrefix = `forgebot-test:${randomUUID()}:`): Promise<WebhookServer> {
  const outboxDir = await mkdtemp(join(tmpdir(), 'forgebot-outbox-'));
  const config = loadConfig({ PORT: '0', GITLAB_WEBHOOK_SECRET: TEST_SECRET, WEBHOOK_BODY_LIMIT: '64kb', OUTBOX_DIR: outboxDir, OUTBOX_DRAIN_INTERVAL_MS: '100', ...env });
  return startWebhookServer({ config, redis, starter, logger: createLogger('silent'), dedupePrefix });
}

export async function deliver(url: string, headers: Record<string, string>, body: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${url}/webhook/gitlab`, { method: 'POST', headers, body });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}
