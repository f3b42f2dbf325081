import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { conversationProblem } from './conversation-checks.js';
import { MessagesRequest, type MessageResponse, type ScriptedReply, type ScriptStep } from './messages.js';
import { estimateTokens, PromptCache } from './prompt-cache.js';

/** Answers any request the script does not (demo mode): see demo-reviewer.ts. */
export type Brain = (request: MessagesRequest) => ScriptedReply;

export interface FakeAnthropicOptions {
  /** The only key accepted (as `x-api-key`, or `Authorization: Bearer`). */
  apiKey: string;
  brain?: Brain;
  /**
   * How long the model takes to answer, in ms, when the reply sets no `delayMs` (a bench's realistic latency):
   * e.g. a base plus a time per output token.
   */
  latencyMs?: (request: MessagesRequest, outputTokens: number) => number;
}

/**
 * A fake Anthropic Messages API (`POST /v1/messages`): real request/response shapes, API-key checks, the API's
 * conversation rules (tool_use/tool_result pairing …), usage with prompt-cache accounting, 429/529 errors, delayed
 * and held replies. Replies come from a script (a queue that fails loudly when it runs out) or a brain (demo mode).
 */
export class FakeAnthropic {
  /** Every accepted request body, in order. */
  readonly requests: MessagesRequest[] = [];
  /** Every message sent back (id, content, stop_reason, usage), in order. */
  readonly responses: MessageResponse[] = [];
  /** Each answered request with its response, in the order answered (concurrent requests finish out of order). */
  readonly exchanges: Array<{ request: MessagesRequest; response: MessageResponse }> = [];
  /** Problems the fake met (an exhausted script, a request the real API would refuse): tests assert this stays empty. */
  readonly errors: string[] = [];
  /** Held or delayed requests whose client went away before the reply (a cancelled agent job). */
  abortedHolds = 0;
  /** Requests accepted and not answered yet, and the most there were at once (a runner's concurrency). */
  inFlight = 0;
  maxInFlight = 0;
  url = '';
  private queue: ScriptStep[] = [];
  private server: Server | undefined;
  private readonly promptCache = new PromptCache();
  private counter = 0;
  private readonly open = new Set<Response>();

  constructor(private readonly options: FakeAnthropicOptions) {}

  /** Queues replies (or functions of the request), answered in order. */
  script(...steps: ScriptStep[]): this {
    this.queue.push(...steps);
    return this;
  }

  /** Script steps not used yet. */
  get pending(): number {
    return this.queue.length;
  }

  async start(port = 0): Promise<{ url: string }> {
    const app = express();
    app.use(express.json({ limit: '32mb' }));
    app.post('/v1/messages', (req, res) => this.answer(req, res));
    app.get('/v1/models/:id', (req, res) => this.model(req, res));
    app.use((_req: Request, res: Response) => void res.status(404).json({ type: 'error', error: { type: 'not_found_error', message: 'Not found' } }));
    app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
      this.fail(res, 400, 'invalid_request_error', `fake Anthropic: unreadable request body (${error instanceof Error ? error.message : String(error)})`, true);
    });
    const server = app.listen(port, '127.0.0.1');
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { url: this.url };
  }

  /** Ends held and delayed replies (their clients see the connection drop) and closes the server. */
  async stop(): Promise<void> {
    for (const res of this.open) res.destroy();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private fail(res: Response, status: number, type: string, message: string, record: boolean): void {
    if (record) this.errors.push(message);
    res.status(status).json({ type: 'error', error: { type, message } });
  }

  /** `GET /v1/models/{id}`: any `claude-…` model is there (the key checked as for messages). */
  private model(req: Request, res: Response): void {
    const key = req.get('x-api-key') ?? req.get('authorization')?.replace(/^Bearer /i, '');
    if (key !== this.options.apiKey) return this.fail(res, 401, 'authentication_error', 'invalid x-api-key', false);
    const id = String(req.params.id);
    if (!/^claude-[a-z0-9.-]+$/.test(id)) return this.fail(res, 404, 'not_found_error', `model: ${id}`, false);
    res.json({ type: 'model', id, display_name: id, created_at: new Date(0).toISOString() });
  }

  private answer(req: Request, res: Response): void {
    const key = req.get('x-api-key') ?? req.get('authorization')?.replace(/^Bearer /i, '');
    if (key !== this.options.apiKey) return this.fail(res, 401, 'authentication_error', 'invalid x-api-key', false);
    const parsed = MessagesRequest.safeParse(req.body);
    if (!parsed.success) {
      const problem = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
      return this.fail(res, 400, 'invalid_request_error', problem, true);
    }
    const request = parsed.data;
    if (request.stream) return this.fail(res, 400, 'invalid_request_error', 'fake Anthropic: streaming is not supported', true);
    const problem = conversationProblem(request);
    if (problem) return this.fail(res, 400, 'invalid_request_error', problem, true);
    this.requests.push(request);

    const step = this.queue.shift();
    const reply = typeof step === 'function' ? step(request) : (step ?? this.options.brain?.(request));
    if (!reply) return this.fail(res, 500, 'api_error', `fake Anthropic: the script ran out at request ${this.requests.length}`, true);
    if ('error' in reply) {
      if (reply.retryAfterSeconds !== undefined) res.set('retry-after', String(reply.retryAfterSeconds));
      return this.fail(res, reply.error.status, reply.error.type, reply.error.message, false);
    }

    this.open.add(res);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    res.on('close', () => {
      this.inFlight -= 1;
      if (this.open.delete(res) && !res.writableEnded) this.abortedHolds += 1;
    });
    if ('hold' in reply) return;
    // Read from the cache as it is when the request arrives; what it writes is readable once it has answered.
    const cache = this.promptCache.plan(request);
    const outputTokens = estimateTokens(JSON.stringify(reply.content));
    const send = () => {
      if (!this.open.has(res)) return;
      cache.commit();
      this.counter += 1;
      const message: MessageResponse = {
        id: `msg_fake_${this.counter.toString().padStart(6, '0')}`,
        type: 'message',
        role: 'assistant',
        model: request.model,
        content: reply.content,
        stop_reason: reply.stop_reason ?? (reply.content.some((block) => block.type === 'tool_use') ? 'tool_use' : 'end_turn'),
        stop_sequence: null,
        usage: { ...cache.usage, output_tokens: outputTokens },
      };
      this.responses.push(message);
      this.exchanges.push({ request, response: message });
      res.set('request-id', `req_fake_${this.counter}`).json(message);
    };
    const delayMs = reply.delayMs ?? this.options.latencyMs?.(request, outputTokens) ?? 0;
    if (!delayMs) return send();
    const timer = setTimeout(send, delayMs);
    res.on('close', () => clearTimeout(timer));
  }
}

/** A fake Anthropic Messages API; `start()` it, point the SDK's `baseURL` at its `url`, `stop()` it after. */
export function createFakeAnthropic(options: FakeAnthropicOptions): FakeAnthropic {
  return new FakeAnthropic(options);
}
