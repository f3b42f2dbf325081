/** The object shapes the fake handles: enough metadata for identity, ownership, deletion and watches. */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name: string;
  namespace: string;
  uid: string;
  resourceVersion: string;
  creationTimestamp: string;
  generateName?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  deletionTimestamp?: string;
  finalizers?: string[];
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  [field: string]: unknown;
}

export type Resource = 'jobs' | 'pods' | 'secrets';

export const KIND_OF: Record<Resource, { apiVersion: string; kind: string }> = {
  jobs: { apiVersion: 'batch/v1', kind: 'Job' },
  pods: { apiVersion: 'v1', kind: 'Pod' },
  secrets: { apiVersion: 'v1', kind: 'Secret' },
};

/** A metav1.Status, the body of every API error (and of a watch's ERROR event). */
export function status(code: number, reason: string, message: string, details?: { name?: string; kind?: string }) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code, ...(details ? { details } : {}) };
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: { name?: string; kind?: string },
  ) {
    super(message);
  }
  toStatus() {
    return status(this.code, this.reason, this.message, this.details);
  }
}

/** `a=b,c!=d,e` (equality, inequality, existence): the subset of label selectors clients use. */
export function matchesSelector(labels: Record<string, string> | undefined, selector: string | undefined): boolean {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const clause = term.trim();
    if (!clause) return true;
    const negated = clause.match(/^([^!=]+)!=(.*)$/);
    if (negated) return labels?.[negated[1]!.trim()] !== negated[2]!.trim();
    const equal = clause.match(/^([^=]+)==?(.*)$/);
    if (equal) return labels?.[equal[1]!.trim()] === equal[2]!.trim();
    if (clause.startsWith('!')) return labels?.[clause.slice(1)] === undefined;
    return labels?.[clause] !== undefined;
  });
}

/** `metadata.name=x` / `metadata.namespace=y`: the field selectors the fake supports. */
export function matchesFields(object: KubeObject, selector: string | undefined): boolean {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const [field, value] = term.split('=').map((part) => part.trim());
    if (field === 'metadata.name') return object.metadata.name === value;
    if (field === 'metadata.namespace') return object.metadata.namespace === value;
    throw new ApiError(400, 'BadRequest', `field label not supported: ${field}`);
  });
}
