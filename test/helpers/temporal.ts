import { fileURLToPath } from 'node:url';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { findTemporalCli } from '../../src/cli/demo/temporal-dev-server.js';
import { createLogger } from '../../src/logger.js';
import { installTemporalLogging } from '../../src/workers/temporal-logging.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
/** That CLI with its stdout dropped: the dev server's start-up banner would otherwise show once per test file. */
const quietCli = fileURLToPath(new URL('../../scripts/temporal-quiet.sh', import.meta.url));

/** The Temporal CLI that `make setup` found or installed; undefined lets the SDK download one. */
export function temporalCliPath(): string | undefined {
  return findTemporalCli(repoRoot, process.env);
}

/**
 * A real Temporal dev server (the `temporal` CLI) for one test file. It fails with a clear message
 * — never a skip — when no server can be started.
 */
export async function startTemporal(): Promise<TestWorkflowEnvironment> {
  installTemporalLogging(createLogger(process.env.TEST_LOG_LEVEL ?? 'error'));
  const path = temporalCliPath();
  try {
    return await TestWorkflowEnvironment.createLocal({
      server: {
        ...(path ? { executable: { type: 'existing-path', path: quietCli } } : {}),
        log: { format: 'pretty', level: 'error' },
      },
    });
  } catch (error) {
    throw new Error(
      `could not start the Temporal dev server (${path ?? 'SDK download'}): run \`make setup\` first. Cause: ${String(error)}`,
    );
  }
}

let counter = 0;
/** A task queue / id suffix unique to this test process. */
export function unique(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}
