import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../../logger.js';

const CONNECT_TIMEOUT_MS = 10_000;

/** A forward proxy on a Unix socket that lets an isolated runner reach only the listed `host:port` endpoints. */
export interface EgressProxy {
  socketPath: string;
  /** `host:port` targets refused so far. */
  readonly denied: string[];
  close(): Promise<void>;
}

/** `host:port` (lower case, IPv6 bracketed) of a URL, with the scheme's default port. */
export function endpointOf(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  return `${parsed.hostname.toLowerCase()}:${parsed.port || (parsed.protocol === 'https:' ? '443' : '80')}`;
}

/** host and port of a CONNECT target (`host:port`, `[v6]:port`). */
function splitTarget(target: string): { host: string; port: number } | undefined {
  const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(target);
  if (!match?.[1] || !match[2]) return undefined;
  return { host: match[1], port: Number(match[2]) };
}

const HOP_BY_HOP = ['proxy-connection', 'proxy-authorization', 'connection', 'keep-alive', 'te', 'trailer', 'upgrade'];

/**
 * Starts the proxy. CONNECT tunnels (HTTPS, and Node's fetch for every scheme) and absolute-URI requests (git over
 * plain HTTP) are forwarded to allowed endpoints; anything else gets 403 and is logged.
 */
export async function startEgressProxy(allowed: Iterable<string>, logger: Logger): Promise<EgressProxy> {
  const allow = new Set([...allowed].map((endpoint) => endpoint.toLowerCase()));
  const denied: string[] = [];
  const sockets = new Set<Socket>();
  const refuse = (endpoint: string) => {
    denied.push(endpoint);
    logger.warn({ endpoint }, 'sandbox egress refused');
  };
  const key = (host: string, port: number) => `${host.includes(':') ? `[${host}]` : host}:${port}`.toLowerCase();

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const endpoint = req.url ? endpointOf(req.url) : undefined;
    if (!endpoint || !req.url || !allow.has(endpoint)) {
      refuse(endpoint ?? String(req.url).slice(0, 200));
      res.writeHead(403, { 'content-type': 'text/plain' }).end('forgebot sandbox: destination not allowed\n');
      return;
    }
    const target = new URL(req.url);
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => !HOP_BY_HOP.includes(name)));
    const upstream = request({ host: target.hostname, port: target.port || 80, method: req.method, path: `${target.pathname}${target.search}`, headers, timeout: CONNECT_TIMEOUT_MS }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('timeout', () => upstream.destroy(new Error('upstream timed out')));
    upstream.on('error', (error) => {
      logger.warn({ endpoint, err: error.message }, 'sandbox egress failed');
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    req.pipe(upstream);
  });

  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    const target = splitTarget(req.url ?? '');
    if (!target || !allow.has(key(target.host, target.port))) {
      refuse(target ? key(target.host, target.port) : String(req.url).slice(0, 200));
      client.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    const upstream = connect({ host: target.host, port: target.port, timeout: CONNECT_TIMEOUT_MS });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.once('connect', () => {
      upstream.setTimeout(0);
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    upstream.on('timeout', () => upstream.destroy(new Error('connect timed out')));
    upstream.on('error', (error) => {
      logger.warn({ endpoint: key(target.host, target.port), err: error.message }, 'sandbox egress failed');
      if (client.writable && upstream.connecting) client.end('HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n');
      else client.destroy();
    });
  });

  // A short private folder: socket paths are limited to ~100 bytes, and only this user may connect.
  const dir = await mkdtemp(join(tmpdir(), 'forgebot-egress-'));
  const socketPath = join(dir, 'proxy.sock');
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  return {
    socketPath,
    denied,
    async close() {
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
