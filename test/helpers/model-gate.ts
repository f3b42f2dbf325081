import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One model call that reached the gate. */
export interface GatedCall {
  id: number;
  /** The request body as the runner sent it. */
  body: string;
  /** Forwarded to the model (or being forwarded). */
  released: boolean;
  /** Its client went away (e.g. the runner was killed) before it was answered. */
  abandoned: boolean;
  /** The model's answer was written back to the client. */
  answered: boolean;
}

interface Pending {
  call: GatedCall;
  req: IncomingMessage;
  res: ServerResponse;
}

const FORWARD_TIMEOUT_MS = 30_000;

/**
 * A loopback gate in front of the fake Anthropic API: while closed it holds every `POST /v1/messages` (the runner waits
 * on a long model call), and `release` / `open` forward the held calls to the model and its answers back. Unlike a
 * scripted `{ hold: true }`, a held call here can still be answered later.
 */
export class ModelGate {
  readonly calls: GatedCall[] = [];
  url = '';
  private server: Server | undefined;
  private holding = true;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly target: () => string) {}

  async start(): Promise<this> {
    const server = createServer((req, res) => void this.accept(req, res));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  /** Calls held now (not released, client still there). */
  held(): GatedCall[] {
    return [...this.pending.values()].map((p) => p.call).filter((call) => !call.released && !call.abandoned);
  }

  /** Forwards these held calls (default: all of them); the gate stays closed for new ones. */
  release(calls: GatedCall[] = this.held()): void {
    for (const call of calls) {
      const pending = this.pending.get(call.id);
      if (pending && !call.released && !call.abandoned) void this.forward(pending);
    }
  }

  /** From now on every call goes straight through; the held ones are released. */
  open(): void {
    this.holding = false;
    this.release();
  }

  /** New calls are held again. */
  close(): void {
    this.holding = true;
  }

  async stop(): Promise<void> {
    for (const { res } of this.pending.values()) res.destroy();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async accept(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const call: GatedCall = { id: this.calls.length + 1, body: Buffer.concat(chunks).toString('utf8'), released: false, abandoned: false, answered: false };
    this.calls.push(call);
    const pending = { call, req, res };
    this.pending.set(call.id, pending);
    res.once('close', () => {
      if (!res.writableEnded) call.abandoned = true;
      this.pending.delete(call.id);
    });
    if (!this.holding) await this.forward(pending);
  }

  private async forward({ call, req, res }: Pending): Promise<void> {
    call.released = true;
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string' && !['host', 'content-length', 'connection'].includes(name)) headers.set(name, value);
    }
    try {
      const answer = await fetch(`${this.target()}${req.url ?? '/'}`, { method: req.method ?? 'POST', headers, body: call.body, signal: AbortSignal.timeout(FORWARD_TIMEOUT_MS) });
      const text = await answer.text();
      if (res.destroyed) return;
      const passed: Record<string, string> = {};
      answer.headers.forEach((value, name) => {
        if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(name)) passed[name] = value;
      });
      res.writeHead(answer.status, passed).end(text, () => (call.answered = true));
    } catch (error) {
      if (!res.destroyed) res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ type: 'error', error: { type: 'api_error', message: `model gate: ${String(error)}` } }));
    }
  }
}
