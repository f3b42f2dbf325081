import { Job } from 'kubernetes-models/batch/v1/Job';
import { Secret } from 'kubernetes-models/v1/Secret';
import { ApiError, type KubeObject, type Resource } from './objects.js';

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function invalid(kind: string, name: string, message: string): ApiError {
  return new ApiError(422, 'Invalid', `${kind} "${name}" is invalid: ${message}`, { name, kind });
}

/** What the API server checks on create: the OpenAPI schema, names, and the rules of the kinds the fake serves. */
export function validateCreate(resource: Resource, body: KubeObject): void {
  const name = body.metadata?.name ?? '';
  const kind = resource === 'jobs' ? 'Job' : 'Secret';
  if (!name || name.length > 253 || !DNS_SUBDOMAIN.test(name)) throw invalid(kind, name, 'metadata.name: Invalid value: a lowercase RFC 1123 subdomain is required');
  try {
    if (resource === 'jobs') new Job(body as unknown as ConstructorParameters<typeof Job>[0]).validate();
    else new Secret(body as unknown as ConstructorParameters<typeof Secret>[0]).validate();
  } catch (error) {
    throw invalid(kind, name, error instanceof Error ? error.message.slice(0, 2_000) : String(error));
  }
  if (resource === 'jobs') {
    if (name.length > 63) throw invalid(kind, name, 'metadata.name: must be no more than 63 characters');
    const spec = body.spec as { template?: { spec?: { restartPolicy?: string; containers?: unknown[] } } };
    const restart = spec.template?.spec?.restartPolicy;
    if (restart !== 'Never' && restart !== 'OnFailure') throw invalid(kind, name, `spec.template.spec.restartPolicy: Unsupported value: "${restart ?? ''}"`);
  }
  if (resource === 'secrets') {
    for (const [key, value] of Object.entries((body.data as Record<string, string> | undefined) ?? {})) {
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value)) throw invalid(kind, name, `data[${key}]: not base64`);
    }
  }
}
