// Runs inside the runner's private network namespace, where only loopback exists: brings loopback up, relays a
// loopback TCP port to the sandbox's egress proxy (a Unix socket, reachable across network namespaces), and runs
// the runner with that port as its HTTP(S) proxy. Usage: netns-shim <ip> <proxy socket> -- <runner command…>
import { execFileSync, spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';

const [ip, socketPath, separator, executable, ...args] = process.argv.slice(2);
if (!ip || !socketPath || separator !== '--' || !executable) {
  process.stderr.write('usage: netns-shim <ip> <proxy socket> -- <command…>\n');
  process.exit(2);
}
execFileSync(ip, ['link', 'set', 'lo', 'up'], { stdio: ['ignore', 'ignore', 'inherit'] });

const relay = createServer((inside) => {
  const outside = connect(socketPath);
  const close = () => {
    inside.destroy();
    outside.destroy();
  };
  inside.on('error', close);
  outside.on('error', close);
  inside.pipe(outside).pipe(inside);
});
await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', () => resolve()));
const address = relay.address();
if (address === null || typeof address === 'string') throw new Error('the relay has no TCP port');
const proxy = `http://127.0.0.1:${address.port}`;

const child = spawn(executable, args, {
  stdio: 'inherit',
  env: { ...process.env, HTTP_PROXY: proxy, HTTPS_PROXY: proxy, http_proxy: proxy, https_proxy: proxy, NODE_USE_ENV_PROXY: '1' },
});
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => child.kill(signal));
child.on('error', (error) => {
  process.stderr.write(`netns-shim: ${error.message}\n`);
  process.exit(127);
});
child.on('exit', (code, signal) => {
  relay.close();
  if (signal) {
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  }
  process.exit(code ?? 1);
});
