import type { RecordedRequest } from '../../src/fakes/kubernetes/fake-kubernetes.js';

/** The RBAC permission (`<group>/<resource>[/<subresource>] <verb>`) one API request needs, as the API server decides it. */
export function rbacPermission(request: RecordedRequest): string {
  const match = /^\/(api\/v1|apis\/batch\/v1)\/namespaces\/[^/]+\/([a-z]+)(?:\/([^/]+))?(?:\/([a-z]+))?$/.exec(request.path);
  if (!match) return `unknown ${request.method} ${request.path}`;
  const [, prefix, resource, name, subresource] = match;
  const group = prefix === 'api/v1' ? 'core' : 'batch';
  const named = name !== undefined;
  const verb =
    request.method === 'POST' ? 'create'
    : request.method === 'DELETE' ? 'delete'
    : request.method === 'PUT' ? 'update'
    : request.method === 'PATCH' ? 'patch'
    : request.query.watch === 'true' || request.query.watch === '1' ? 'watch'
    : named ? 'get' : 'list';
  return `${group}/${resource}${subresource ? `/${subresource}` : ''} ${verb}`;
}
