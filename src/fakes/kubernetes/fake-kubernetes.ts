import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Controllers, type PropagationPolicy } from './controllers.js';
import { FakeKubelet, type ImageCommand } from './kubelet.js';
import { ApiError, KIND_OF, type KubeObject, type Resource } from './objects.js';
import { ObjectStore } from './store.js';
import { validateCreate } from './validate.js';
import { serveWatch } from './watch-stream.js';

export interface FakeKubernetesOptions {
  /** Bearer token the API accepts. */
  token: string;
  /** Image → the local command the kubelet runs for it. Any other image fails to pull. */
  images: Record<string, ImageCommand>;
  /** Change events kept for watches (smaller: a resumed watch gets 410 Gone sooner). Default 1000. */
  eventWindow?: number;
  /**
   * What SelfSubjectAccessReviews answer allowed, as the sandbox's permissions are written (`'batch/jobs': ['create']`,
   * `'core/pods/log': ['get']`). Unset: everything (the fake enforces no RBAC on its other calls).
   */
  permissions?: Readonly<Record<string, readonly string[]>>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
}

const ROUTE = /^\/(?:api\/v1|apis\/batch\/v1)\/namespaces\/([^/]+)\/(jobs|pods|secrets)(?:\/([^/]+))?(?:\/(log|status))?$/;

/**
 * A Kubernetes API server for the calls forgebot makes (batch/v1 Jobs, core/v1 Pods, pods/log, Secrets, watches),
 * with a Job controller, a garbage collector, a TTL controller and a kubelet that really runs each Job's container.
 */
export class FakeKubernetes {
  readonly store: ObjectStore;
  readonly kubelet: FakeKubelet;
  readonly requests: RecordedRequest[] = [];
  /** Watches answered 410 `Expired` (their resourceVersion was older than the event window). */
  expiredWatches = 0;
  private readonly controllers: Controllers;
  private readonly watches = new Set<ServerResponse>();
  private readonly faults: { remaining: number; status: number; match: (request: RecordedRequest) => boolean }[] = [];
  private server: Server | undefined;
  url = '';

  constructor(private readonly options: FakeKubernetesOptions) {
    this.store = new ObjectStore(options.eventWindow ?? 1_000);
    this.controllers = new Controllers(this.store, () => this.kubelet);
    this.kubelet = new FakeKubelet(this.store, new Map(Object.entries(options.images)), (pod) => this.controllers.podFinished(pod));
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.controllers.stop();
    this.closeWatches();
    await this.kubelet.stopAll();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** A kubeconfig (YAML) that points a client at this server. */
  kubeconfig(namespace = 'default'): string {
    return [
      'apiVersion: v1', 'kind: Config', 'current-context: fake',
      'clusters:', '- name: fake', '  cluster:', `    server: ${this.url}`, '    insecure-skip-tls-verify: true', // plain HTTP: client-node asks for this
      'users:', '- name: forgebot', '  user:', `    token: ${this.options.token}`,
      'contexts:', '- name: fake', '  context:', '    cluster: fake', '    user: forgebot', `    namespace: ${namespace}`, '',
    ].join('\n');
  }

  /** Ends every open watch stream (as an API server restart or a load balancer would). */
  closeWatches(): void {
    for (const res of this.watches) res.end();
    this.watches.clear();
  }

  /** The next `count` requests that `match` answer `status` (transient API failures). */
  failNext(count: number, status: number, match: (request: RecordedRequest) => boolean = () => true): void {
    this.faults.push({ remaining: count, status, match });
  }

  list(resource: Resource, namespace = 'default'): KubeObject[] {
    return this.store.list(resource, { namespace });
  }

  /** The pods of a Job, by the labels the Job controller sets. */
  podsOf(jobName: string, namespace = 'default'): KubeObject[] {
    return this.store.list('pods', { namespace, labelSelector: `job-name=${jobName}` });
  }

  /** Test hooks: what a node does to a running pod. */
  oomKill(pod: string, namespace = 'default'): Promise<void> {
    return this.kubelet.stop(namespace, pod, 'OOMKilled', 0);
  }
  evict(pod: string, namespace = 'default'): Promise<void> {
    return this.kubelet.stop(namespace, pod, 'Evicted', 1_000);
  }

  private authorized(req: IncomingMessage): boolean {
    const expected = Buffer.from(`Bearer ${this.options.token}`);
    const given = Buffer.from(req.headers.authorization ?? '');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const request: RecordedRequest = { method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams) };
    this.requests.push(request);
    const send = (code: number, body: unknown, type = 'application/json') => {
      res.writeHead(code, { 'content-type': type });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    try {
      if (!this.authorized(req)) throw new ApiError(401, 'Unauthorized', 'Unauthorized');
      const fault = this.faults.find((candidate) => candidate.remaining > 0 && candidate.match(request));
      if (fault) {
        fault.remaining--;
        throw new ApiError(fault.status, fault.status === 429 ? 'TooManyRequests' : 'InternalError', 'injected failure');
      }
      if (request.method === 'POST' && url.pathname === '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews') return send(201, this.accessReview(await readJson(req)));
      const route = url.pathname.match(ROUTE);
      const [, namespace = '', resource, name, sub] = route ?? [];
      if (!route || !resource || (resource === 'jobs') !== url.pathname.startsWith('/apis/batch/v1/')) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
      const kind = resource as Resource;
      const body = req.method === 'POST' || req.method === 'DELETE' ? await readJson(req) : undefined;
      const answer = this.route(request.method, kind, namespace, name, sub, url.searchParams, body as KubeObject | undefined, res);
      if (answer) send(...answer); // undefined: a watch, streaming
    } catch (error) {
      if (res.headersSent) return void res.end();
      const failure = error instanceof ApiError ? error : new ApiError(500, 'InternalError', error instanceof Error ? error.message : String(error));
      send(failure.code, failure.toStatus());
    }
  }

  /** A SelfSubjectAccessReview answered from `options.permissions`. */
  private accessReview(body: unknown): unknown {
    const spec = (body as { spec?: { resourceAttributes?: { group?: string; resource?: string; subresource?: string; verb?: string } } } | undefined)?.spec;
    const asked = spec?.resourceAttributes;
    if (!asked?.resource || !asked.verb) throw new ApiError(400, 'BadRequest', 'spec.resourceAttributes with a resource and a verb is required here');
    const permission = `${asked.group || 'core'}/${asked.resource}${asked.subresource ? `/${asked.subresource}` : ''}`;
    const allowed = this.options.permissions === undefined || (this.options.permissions[permission] ?? []).includes(asked.verb);
    return { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', metadata: {}, spec, status: { allowed, ...(allowed ? { reason: 'RBAC: allowed by the fake' } : {}) } };
  }

  private route(method: string, resource: Resource, namespace: string, name: string | undefined, sub: string | undefined, query: URLSearchParams, body: KubeObject | undefined, res: ServerResponse): [number, unknown, string?] | undefined {
    const filter = { namespace, ...(query.get('labelSelector') ? { labelSelector: query.get('labelSelector')! } : {}), ...(query.get('fieldSelector') ? { fieldSelector: query.get('fieldSelector')! } : {}) };
    if (!name && method === 'GET') {
      if (query.get('watch') === 'true' || query.get('watch') === '1') {
        serveWatch(this.store, resource, filter, query, res, this.watches, () => this.expiredWatches++);
        return undefined;
      }
      const { apiVersion, kind } = KIND_OF[resource];
      return [200, { apiVersion, kind: `${kind}List`, metadata: { resourceVersion: this.store.resourceVersion }, items: this.store.list(resource, filter) }];
    }
    if (!name && method === 'POST') {
      if (resource === 'pods') throw new ApiError(405, 'MethodNotAllowed', 'pods are made by the Job controller here');
      if (!body?.metadata) throw new ApiError(400, 'BadRequest', 'the request body is not an object with metadata');
      if (body.metadata.namespace && body.metadata.namespace !== namespace) throw new ApiError(400, 'BadRequest', 'the namespace of the object does not match the namespace on the request');
      validateCreate(resource, body);
      const created = this.store.create(resource, namespace, body);
      if (resource === 'jobs') this.controllers.jobCreated(created);
      return [201, created];
    }
    if (name && method === 'GET' && sub === 'log') {
      if (resource !== 'pods') throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
      const pod = this.store.mustGet('pods', namespace, name);
      const log = this.kubelet.log(namespace, name);
      if (log === undefined || (pod.status as { phase?: string }).phase === 'Pending') {
        throw new ApiError(400, 'BadRequest', `container "${query.get('container') ?? 'runner'}" in pod "${name}" is waiting to start: ContainerCreating`);
      }
      return [200, tail(log, query), 'text/plain'];
    }
    if (name && method === 'GET') return [200, this.store.mustGet(resource, namespace, name)];
    if (name && method === 'DELETE') {
      const policy = (query.get('propagationPolicy') ?? (body as { propagationPolicy?: string } | undefined)?.propagationPolicy ?? (resource === 'jobs' ? 'Orphan' : 'Background')) as PropagationPolicy;
      if (!['Foreground', 'Background', 'Orphan'].includes(policy)) throw new ApiError(400, 'BadRequest', `invalid propagationPolicy: ${policy}`);
      return [200, this.controllers.delete(resource, namespace, name, policy)];
    }
    throw new ApiError(405, 'MethodNotAllowed', `${method} is not supported here`);
  }
}

function tail(log: string, query: URLSearchParams): string {
  let text = log;
  const lines = query.get('tailLines');
  if (lines !== null) {
    const all = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
    text = all.slice(-Number(lines)).join('\n') + (text.endsWith('\n') ? '\n' : '');
  }
  const limit = query.get('limitBytes');
  return limit !== null ? Buffer.from(text).subarray(0, Number(limit)).toString('utf8') : text;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, 'BadRequest', 'the request body is not JSON');
  }
}
