import { Worker } from 'node:worker_threads';
import type { Logger } from '../../logger.js';
import { kindSpec, workflowKinds } from '../workflow-kinds.js';
import { WorkflowKindError, type WorkflowStarter } from '../workflow-starter.js';
import type { CarriedError, StarterAnswer, StarterCall, StarterRequest, StarterThreadSettings } from './protocol.js';

/** A WorkflowStarter whose Temporal client runs in a thread of its own; `close` ends that thread. */
export interface ThreadStarter {
  starter: WorkflowStarter;
  /** Waits for the calls in flight (the caller stops making new ones first), closes the connection, ends the thread. */
  close(): Promise<void>;
}

/** The thread's entry point: compiled JavaScript beside this file, or (in a checkout) TypeScript through tsx. */
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const ENTRY = new URL(`./starter-thread-main.${FROM_SOURCE ? 'ts' : 'js'}`, import.meta.url);

/** An error from the thread, rebuilt: a WorkflowKindError again, anything else an Error whose cause chain has its codes. */
function rebuild(carried: CarriedError): Error {
  if (carried.name === 'WorkflowKindError') return new WorkflowKindError(carried.message);
  const chain = carried.codes.reduceRight<Error | undefined>((cause, code) => Object.assign(new Error(carried.message, cause ? { cause } : {}), { code }), undefined);
  return Object.assign(chain ?? new Error(carried.message), { name: carried.name });
}

/**
 * Runs forgebot's Temporal client in a worker thread (its own event loop and heap): a delivery's acknowledgement then
 * never waits behind the gRPC client's work or a garbage collection of its objects. Kinds and subjects are checked
 * here, before a call crosses over. A thread that dies fails its calls as the workflow service being unavailable
 * (gRPC 14: the outbox holds what they carried) and is started again by the next call.
 */
export function startThreadStarter(settings: StarterThreadSettings, logger: Logger): ThreadStarter {
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let thread: Worker | undefined;
  let nextId = 1;
  let closed = false;

  function spawn(): Worker {
    // From source, tsx as this checkout has it (resolved from here, not from the working directory).
    const worker = new Worker(ENTRY, { workerData: settings, ...(FROM_SOURCE ? { execArgv: ['--import', import.meta.resolve('tsx')] } : {}) });
    worker.on('message', (answer: StarterAnswer) => {
      const call = pending.get(answer.id);
      pending.delete(answer.id);
      if (answer.ok) call?.resolve(answer.value);
      else call?.reject(rebuild(answer.error));
    });
    worker.on('error', (error) => logger.error({ err: error }, 'the Temporal starter thread failed'));
    worker.once('exit', (code) => {
      if (thread === worker) thread = undefined;
      if (!closed) logger.warn({ code }, 'the Temporal starter thread exited; the next call starts another');
      for (const [id, call] of pending) {
        pending.delete(id);
        call.reject(Object.assign(new Error('the Temporal starter thread exited during the call'), { code: 14 }));
      }
    });
    return worker;
  }

  function call<T>(message: StarterRequest): Promise<T> {
    if (closed) return Promise.reject(Object.assign(new Error('the Temporal starter is closed'), { code: 14 }));
    thread ??= spawn();
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      thread!.postMessage({ ...message, id });
    });
  }

  return {
    starter: {
      async start(kind, subject, signal) {
        kindSpec(workflowKinds, kind, subject);
        return call<{ workflowId: string }>({ method: 'start', kind, subject, signal });
      },
      async signal(kind, subject, name, args) {
        kindSpec(workflowKinds, kind, subject);
        return call<'signalled' | 'not-running'>({ method: 'signal', kind, subject, name, args });
      },
      ping: () => call<void>({ method: 'ping' }),
    },
    async close() {
      closed = true;
      const worker = thread;
      if (!worker) return;
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage({ id: 0, method: 'close' } satisfies StarterCall);
      const timer = setTimeout(() => void worker.terminate(), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
