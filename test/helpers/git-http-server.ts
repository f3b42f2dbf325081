import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GitHttpServer {
  /** `http://127.0.0.1:<port>/<name>` for a repository `<name>` under the root. */
  url(name: string): string;
  /** `METHOD /path?query`, and the protocol version and shallow/filter lines git asked for, per request. */
  requests: Array<{ line: string; protocol: string | undefined; authorization: string | undefined }>;
  close(): Promise<void>;
}

/**
 * Git's smart HTTP protocol over the repositories under `root`: the real `git http-backend` run as a CGI program, as
 * GitLab and GitHub serve clones (protocol v2 when the client asks for it). `config` is set for upload-pack on every
 * request (`uploadpack.allowFilter=true` …); `protocolV0` ignores the client's `Git-Protocol` header.
 */
export async function startGitHttpServer(root: string, options: { config?: Record<string, string>; protocolV0?: boolean } = {}): Promise<GitHttpServer> {
  const requests: GitHttpServer['requests'] = [];
  const configEnv = Object.entries(options.config ?? {}).flatMap(([key, value], index) => [[`GIT_CONFIG_KEY_${index}`, key], [`GIT_CONFIG_VALUE_${index}`, value]]);
  const server: Server = createServer((req: IncomingMessage, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const protocol = options.protocolV0 ? undefined : (req.headers['git-protocol'] as string | undefined);
    requests.push({ line: `${req.method} ${url.pathname}${url.search}`, protocol, authorization: req.headers.authorization });
    const child = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env.PATH,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: '1',
        REQUEST_METHOD: req.method ?? 'GET',
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        REMOTE_ADDR: '127.0.0.1',
        ...(req.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: req.headers['content-encoding'] } : {}),
        ...(protocol ? { GIT_PROTOCOL: protocol } : {}),
        GIT_CONFIG_COUNT: String(configEnv.length),
        ...Object.fromEntries(configEnv),
      },
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    req.pipe(child.stdin);
    // CGI output: headers, a blank line, the body.
    let head = Buffer.alloc(0);
    let headersDone = false;
    child.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      headersDone = true;
      let status = 200;
      for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
        const colon = line.indexOf(':');
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
        else res.setHeader(name, value);
      }
      res.writeHead(status);
      res.write(head.subarray(end + 4));
    });
    child.on('close', () => {
      if (!headersDone) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => server.listen(0, '127.0.0.1', resolve).once('error', reject));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (name) => `http://127.0.0.1:${port}/${name}`,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
