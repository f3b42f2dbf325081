import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';

/** The workflows entry file, whether we run from TypeScript sources or compiled output. */
export function workflowsPath(): string {
  const source = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));
  return existsSync(source) ? source : fileURLToPath(new URL('../workflows/index.js', import.meta.url));
}

let bundled: Promise<WorkflowBundleWithSourceMap> | undefined;

/** Bundles the workflow code once per process (workers and tests reuse it). */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundled ??= bundleWorkflowCode({ workflowsPath: workflowsPath(), logger: quietBundlerLogger });
  return bundled;
}

const noop = () => undefined;
const quietBundlerLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, log: noop };
