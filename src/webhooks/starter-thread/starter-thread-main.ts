// The starter thread's entry point: a Temporal client of its own, so that the gRPC client's work and garbage (most of
// the webhook server's CPU and allocation under load) stay off the thread that acknowledges deliveries.
import { parentPort, workerData } from 'node:worker_threads';
import { lazyTemporalClient } from '../../workers/temporal-client.js';
import { createTemporalWorkflowStarter } from '../temporal-workflow-starter.js';
import { carryError, type StarterAnswer, type StarterCall, type StarterThreadSettings } from './protocol.js';

const settings = workerData as StarterThreadSettings;
const port = parentPort!;
const client = lazyTemporalClient(settings.temporal);
const starter = createTemporalWorkflowStarter(client, { taskQueues: { main: settings.taskQueue } });
const running = new Set<Promise<void>>();

async function answer(call: Exclude<StarterCall, { method: 'close' }>): Promise<void> {
  let reply: StarterAnswer;
  try {
    const value = call.method === 'start' ? await starter.start(call.kind, call.subject, call.signal) : call.method === 'signal' ? await starter.signal(call.kind, call.subject, call.name, call.args) : await starter.ping();
    reply = { id: call.id, ok: true, value };
  } catch (error) {
    reply = { id: call.id, ok: false, error: carryError(error) };
  }
  port.postMessage(reply);
}

port.on('message', (call: StarterCall) => {
  if (call.method !== 'close') {
    const work = answer(call);
    running.add(work);
    void work.finally(() => running.delete(work));
    return;
  }
  // A call still retrying when its connection closes would throw from a timer: let them settle first.
  void Promise.allSettled([...running])
    .then(() => client.connection.close())
    .finally(() => port.close());
});
