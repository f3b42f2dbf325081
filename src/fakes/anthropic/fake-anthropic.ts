import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Request, type Response } from 'express';
import type { MessagesRequest, ScriptedReply } from './messages.js';

export type Brain = (request: MessagesRequest) => ScriptedReply;

const estimateTokens = (text: string) => Math.max(1, Math.ceil(text.length / 4));

/**
 * A fake Anthropic Messages API (`POST /v1/messages`): real request/response shapes, API-key checks,
 * usage with prompt-cache accounting, 429/529 errors, held requests. Replies come from a script (a queue that
 * fails loudly when it runs out) or from a brain function (demo mode).
 */
export class FakeAnthropic {
  readonly requests: MessagesRequest[] = [];
  /** Problems the fake met (an exhausted script, say): tests assert this stays empty. */
  readonly errors: string[] = [];
  /** Held requests whose client went away (a cancelled agent job). */
  abortedHolds = 0;
  private queue: ScriptedReply[] = [];
  private server: Server | undefined;
  private readonly cachedPrefixes = new Set<string>();
  private counter = 0;
  private readonly holds = new Set<Response>();
  url = '';

  constructor(private readonly options: { apiKey: string; brain?: Brain }) {}

  /** Queues replies, answered in order. */
  script(...replies: ScriptedReply[]): this {
    this.queue.push(...replies);
    return this;
  }

  get pending(): number {
    return this.queue.length;
  }

  async start(port = 0): Promise<{ url: string }> {
    const app = express();
    app.use(express.json({ limit: '20mb' }));
    app.post('/v1/messages', (req, res) => this.answer(req, res));
    app.use((_req, res) => void res.status(404).json({ type: 'error', error: { type: 'not_found_error', message: 'Not found' } }));
    this.server = app.listen(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      this.server!.once('listening', resolve);
      this.server!.once('error', reject);
    });
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return { url: this.url };
  }

  async stop(): Promise<void> {
    for (const held of this.holds) held.destroy();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private answer(req: Request, res: Response): void {
    // SDKs send the key as `x-api-key` or (SDK 1.x) as `Authorization: Bearer`.
    const key = req.get('x-api-key') ?? req.get('authorization')?.replace(/^Bearer /i, '');
    if (key !== this.options.apiKey) {
      res.status(401).json({ type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } });
      return;
    }
    const request = req.body as MessagesRequest;
    if (!request?.model || !Array.isArray(request.messages) || typeof request.max_tokens !== 'number') {
      res.status(400).json({ type: 'error', error: { type: 'invalid_request_error', message: 'model, max_tokens and messages are required' } });
      return;
    }
    this.requests.push(request);
    const reply = this.queue.shift() ?? this.options.brain?.(request);
    if (!reply) {
      const message = `fake Anthropic: the script ran out at request ${this.requests.length}`;
      this.errors.push(message);
      res.status(500).json({ type: 'error', error: { type: 'api_error', message } });
      return;
    }
    if ('hold' in reply) {
      this.holds.add(res);
      res.on('close', () => {
        if (this.holds.delete(res) && !res.writableEnded) this.abortedHolds += 1;
      });
      return;
    }
    if ('error' in reply) {
      if (reply.retryAfterSeconds !== undefined) res.set('retry-after', String(reply.retryAfterSeconds));
      res.status(reply.error.status).json({ type: 'error', error: { type: reply.error.type, message: reply.error.message } });
      return;
    }
    const send = () => {
      this.counter += 1;
      res.set('request-id', `req_fake_${this.counter}`).json({
        id: `msg_fake_${this.counter.toString().padStart(6, '0')}`,
        type: 'message',
        role: 'assistant',
        model: request.model,
        content: reply.content,
        stop_reason: reply.stop_reason ?? (reply.content.some((block) => block.type === 'tool_use') ? 'tool_use' : 'end_turn'),
        stop_sequence: null,
        usage: { ...this.usageFor(request), output_tokens: estimateTokens(JSON.stringify(reply.content)) },
      });
    };
    if (reply.delayMs) setTimeout(send, reply.delayMs);
    else send();
  }

  /** Input tokens split the way prompt caching does: the cached prefix (system + first message) is read after its first use. */
  private usageFor(request: MessagesRequest) {
    const system = typeof request.system === 'string' ? request.system : (request.system ?? []).map((block) => block.text).join('\n');
    const prefix = system + JSON.stringify(request.messages[0] ?? '');
    const prefixTokens = estimateTokens(prefix);
    const restTokens = estimateTokens(JSON.stringify(request.messages.slice(1)));
    const key = createHash('sha256').update(prefix).digest('hex');
    const cacheable = JSON.stringify(request).includes('"cache_control"');
    const hit = cacheable && this.cachedPrefixes.has(key);
    if (cacheable) this.cachedPrefixes.add(key);
    return {
      input_tokens: hit || cacheable ? restTokens : prefixTokens + restTokens,
      cache_read_input_tokens: hit ? prefixTokens : 0,
      cache_creation_input_tokens: cacheable && !hit ? prefixTokens : 0,
    };
  }
}
