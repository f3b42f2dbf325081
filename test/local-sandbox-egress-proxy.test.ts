// The egress proxy an isolated local runner talks through: only the allowed host:port endpoints, by CONNECT tunnel
// or by absolute-URI request (git over plain HTTP); everything else 403 and recorded. Runs on any machine.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { endpointOf, startEgressProxy, type EgressProxy } from '../src/activities/sandbox/egress-proxy.js';
import { createLogger } from '../src/logger.js';

/** One request through the proxy's Unix socket: a CONNECT status, or a forwarded request's status and body. */
function viaProxy(proxy: EgressProxy, options: { method: string; path: string; headers?: Record<string, string> }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: proxy.socketPath, ...options });
    req.on('connect', (res, socket) => {
      // Tunnel open: speak HTTP to the target through it.
      socket.write(`GET /through-tunnel HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`);
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
      socket.on('end', () => resolve({ status: res.statusCode ?? 0, body: text.split('\r\n\r\n')[1] ?? '' }));
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('egress proxy', () => {
  let target: Server;
  let port: number;
  let proxy: EgressProxy;
  const seen: string[] = [];

  before(async () => {
    target = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.end(`hello ${req.url}`);
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', () => resolve()));
    port = (target.address() as AddressInfo).port;
    proxy = await startEgressProxy([`127.0.0.1:${port}`], createLogger('silent'));
  });
  after(async () => {
    await proxy.close();
    target.close();
  });

  test('endpoints are host:port with the scheme default; other schemes have none', () => {
    assert.equal(endpointOf('https://API.anthropic.com/v1'), 'api.anthropic.com:443');
    assert.equal(endpointOf('http://gitlab.example.com/g/p.git'), 'gitlab.example.com:80');
    assert.equal(endpointOf('https://[2001:db8::1]:8443/x'), '[2001:db8::1]:8443');
    assert.equal(endpointOf('file:///srv/repo'), undefined);
    assert.equal(endpointOf('not a url'), undefined);
  });

  test('a CONNECT tunnel to an allowed endpoint reaches it', async () => {
    const answer = await viaProxy(proxy, { method: 'CONNECT', path: `127.0.0.1:${port}` });
    assert.equal(answer.status, 200);
    assert.equal(answer.body, 'hello /through-tunnel');
  });

  test('an absolute-URI request to an allowed endpoint is forwarded', async () => {
    const answer = await viaProxy(proxy, { method: 'GET', path: `http://127.0.0.1:${port}/g/p.git/info/refs?service=git-upload-pack`, headers: { 'proxy-authorization': 'Basic x' } });
    assert.deepEqual(answer, { status: 200, body: 'hello /g/p.git/info/refs?service=git-upload-pack' });
  });

  test('any other endpoint is refused with 403, never contacted, and recorded', async () => {
    const before = seen.length;
    const connect = await viaProxy(proxy, { method: 'CONNECT', path: `127.0.0.1:${port + 1}` });
    assert.equal(connect.status, 403, 'CONNECT refused');
    const forwarded = await viaProxy(proxy, { method: 'GET', path: `http://localhost:${port}/x` });
    assert.equal(forwarded.status, 403, 'the same port under another name is another endpoint');
    const relative = await viaProxy(proxy, { method: 'GET', path: '/x' });
    assert.equal(relative.status, 403);
    assert.equal(seen.length, before);
    assert.deepEqual(proxy.denied.slice(-3), [`127.0.0.1:${port + 1}`, `localhost:${port}`, '/x']);
  });
});
