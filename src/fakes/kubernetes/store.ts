import { randomUUID } from 'node:crypto';
import { ApiError, KIND_OF, matchesFields, matchesSelector, type KubeObject, type Resource } from './objects.js';

/** `jobs.batch`, `pods`: how the API server names a resource in its messages. */
export function qualified(resource: Resource): string {
  const group = KIND_OF[resource].apiVersion.split('/');
  return group.length > 1 ? `${resource}.${group[0]}` : resource;
}

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';
export interface StoredEvent {
  resourceVersion: number;
  resource: Resource;
  type: EventType;
  object: KubeObject;
}
export interface Filter {
  namespace: string;
  labelSelector?: string;
  fieldSelector?: string;
}
type Listener = (event: StoredEvent) => void;

/**
 * Objects of every resource with one resourceVersion counter (as etcd's revision), and the recent change events
 * watches replay. Only the last `eventWindow` events are kept: a watch from an older version gets 410 Gone.
 */
export class ObjectStore {
  private revision = 0;
  private readonly objects = new Map<Resource, Map<string, KubeObject>>();
  private readonly events: StoredEvent[] = [];
  private droppedThrough = 0;
  private readonly listeners = new Set<{ resource: Resource; listener: Listener }>();

  constructor(private readonly eventWindow: number) {}

  get resourceVersion(): string {
    return String(this.revision);
  }

  private table(resource: Resource): Map<string, KubeObject> {
    let table = this.objects.get(resource);
    if (!table) this.objects.set(resource, (table = new Map()));
    return table;
  }

  private record(resource: Resource, type: EventType, object: KubeObject): void {
    const event = { resourceVersion: Number(object.metadata.resourceVersion), resource, type, object: structuredClone(object) };
    this.events.push(event);
    while (this.events.length > this.eventWindow) this.droppedThrough = this.events.shift()!.resourceVersion;
    for (const { resource: watched, listener } of this.listeners) if (watched === resource) listener(event);
  }

  get(resource: Resource, namespace: string, name: string): KubeObject | undefined {
    const found = this.table(resource).get(`${namespace}/${name}`);
    return found && structuredClone(found);
  }

  mustGet(resource: Resource, namespace: string, name: string): KubeObject {
    const found = this.get(resource, namespace, name);
    if (!found) throw new ApiError(404, 'NotFound', `${qualified(resource)} "${name}" not found`, { name, kind: resource });
    return found;
  }

  list(resource: Resource, filter: Filter): KubeObject[] {
    return [...this.table(resource).values()]
      .filter((object) => object.metadata.namespace === filter.namespace)
      .filter((object) => matchesSelector(object.metadata.labels, filter.labelSelector) && matchesFields(object, filter.fieldSelector))
      .map((object) => structuredClone(object));
  }

  /** Every object of any resource owned by `uid`. */
  dependents(uid: string): { resource: Resource; object: KubeObject }[] {
    const found: { resource: Resource; object: KubeObject }[] = [];
    for (const [resource, table] of this.objects) {
      for (const object of table.values()) if (object.metadata.ownerReferences?.some((ref) => ref.uid === uid)) found.push({ resource, object: structuredClone(object) });
    }
    return found;
  }

  create(resource: Resource, namespace: string, body: KubeObject): KubeObject {
    const name = body.metadata.name;
    if (this.table(resource).has(`${namespace}/${name}`)) {
      throw new ApiError(409, 'AlreadyExists', `${qualified(resource)} "${name}" already exists`, { name, kind: resource });
    }
    const object: KubeObject = {
      ...structuredClone(body),
      ...KIND_OF[resource],
      metadata: { ...structuredClone(body.metadata), namespace, uid: randomUUID(), resourceVersion: String(++this.revision), creationTimestamp: new Date().toISOString() },
    };
    this.table(resource).set(`${namespace}/${name}`, object);
    this.record(resource, 'ADDED', object);
    return structuredClone(object);
  }

  /** Changes an object in place (a new resourceVersion, a MODIFIED event); undefined when it is gone. */
  update(resource: Resource, namespace: string, name: string, change: (object: KubeObject) => void): KubeObject | undefined {
    const object = this.table(resource).get(`${namespace}/${name}`);
    if (!object) return undefined;
    change(object);
    object.metadata.resourceVersion = String(++this.revision);
    this.record(resource, 'MODIFIED', object);
    return structuredClone(object);
  }

  remove(resource: Resource, namespace: string, name: string): KubeObject | undefined {
    const table = this.table(resource);
    const object = table.get(`${namespace}/${name}`);
    if (!object) return undefined;
    table.delete(`${namespace}/${name}`);
    object.metadata.resourceVersion = String(++this.revision);
    this.record(resource, 'DELETED', object);
    return structuredClone(object);
  }

  /**
   * Events of `resource` after `fromVersion` that pass `accept`, then every later one, to `listener`.
   * Throws 410 Expired when events after `fromVersion` are no longer kept. Returns the unsubscribe function.
   */
  subscribe(resource: Resource, fromVersion: number, accept: (object: KubeObject) => boolean, listener: Listener): () => void {
    if (fromVersion < this.droppedThrough) {
      throw new ApiError(410, 'Expired', `too old resource version: ${fromVersion} (${this.droppedThrough + 1})`);
    }
    for (const event of this.events) if (event.resource === resource && event.resourceVersion > fromVersion && accept(event.object)) listener(event);
    const entry = { resource, listener: (event: StoredEvent) => accept(event.object) && listener(event) };
    this.listeners.add(entry);
    return () => this.listeners.delete(entry);
  }
}
