import type { ServerResponse } from 'node:http';
import { ApiError, type KubeObject, type Resource } from './objects.js';
import type { Filter, ObjectStore } from './store.js';
import { matchesFields, matchesSelector } from './objects.js';

/**
 * A watch: newline-delimited JSON events. Without a resourceVersion (or "0") it starts with the current objects as
 * ADDED; with one it replays what came after it — or sends a 410 `Expired` ERROR event and ends, as the API does.
 */
export function serveWatch(store: ObjectStore, resource: Resource, filter: Filter, query: URLSearchParams, res: ServerResponse, open: Set<ServerResponse>, onExpired: () => void): void {
  res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
  res.flushHeaders();
  open.add(res);
  const send = (type: string, object: unknown) => res.write(`${JSON.stringify({ type, object })}\n`);
  const accept = (object: KubeObject) =>
    object.metadata.namespace === filter.namespace && matchesSelector(object.metadata.labels, filter.labelSelector) && matchesFields(object, filter.fieldSelector);
  const requested = query.get('resourceVersion');
  let from: number;
  if (!requested || requested === '0') {
    for (const object of store.list(resource, filter)) send('ADDED', object);
    from = Number(store.resourceVersion);
  } else {
    from = Number(requested);
  }
  let unsubscribe: () => void = () => undefined;
  try {
    unsubscribe = store.subscribe(resource, from, accept, (event) => send(event.type, event.object));
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    send('ERROR', error.toStatus());
    onExpired();
    open.delete(res);
    res.end();
    return;
  }
  const timeout = Number(query.get('timeoutSeconds') ?? 0);
  const timer = timeout > 0 ? setTimeout(() => res.end(), timeout * 1_000) : undefined;
  res.on('close', () => {
    clearTimeout(timer);
    unsubscribe();
    open.delete(res);
  });
}
