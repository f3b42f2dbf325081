// Records reviewWorkflow histories for test/replay.test.ts on a Temporal dev server, with the fakes of replay-world.ts.
// Run: ./scripts/with-tools.sh node --import tsx test/replay/record-histories.ts [--overwrite] [--legacy] [--old-tree DIR] [scenario…]
//   (default) the current code, started as the webhook starts it now ({ ref }): files `<scenario>-v2.json`;
//   --legacy  the code before the generic-agent-jobs patch ({ ref, settings }, runReviewAgent → publishReview):
//             files `<scenario>.json`. Only works in a checkout of commit 773b8d3 (README.md); here it refuses;
//   --old-tree DIR  a checkout of 773b8d3 whose workflow code begins the upgrade scenarios (review-upgrade-mid-flight).
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ApplicationFailure } from '@temporalio/common';
import proto from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { reviewWorkflowId, type ChangeRef } from '../../src/domain/change-ref.js';
import type { ReviewRequest } from '../../src/domain/review-request.js';
import { createLogger } from '../../src/logger.js';
import { registerSearchAttributes } from '../../src/workers/register-search-attributes.js';
import { workflowBundle } from '../../src/workers/workflow-source.js';
import type { reviewWorkflow } from '../../src/workflows/review.js';
import type { ChangeCommand } from '../../src/domain/change-command.js';
import { changeCommandSignal, newRevisionSignal, statusQuery, type ReviewWorkflowInput, type RunSettings } from '../../src/workflows/definitions.js';
import { eventually } from '../helpers/forgebot-stack.js';
import { startTemporal } from '../helpers/temporal.js';
import { historyToJSON } from './history-json.js';
import { World } from './replay-world.js';
import { scenarios, type Drive } from './scenarios.js';

type Mode = 'legacy' | 'v2' | 'upgrade';
const suffix: Record<Mode, string> = { legacy: '', v2: '-v2', upgrade: '' };
const EventType = proto.temporal.api.enums.v1.EventType;
const historiesDir = fileURLToPath(new URL('./histories/', import.meta.url));
const log = createLogger(process.env.LOG_LEVEL ?? 'info', 'json', 'record-histories');
const noop = () => undefined;
const quiet = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, log: noop };

/** An activity the code under recording must not call: the run fails at once, and `until` names the cause. */
const tripwire = (world: World, name: string) => async (): Promise<never> => {
  world.calls.push(name);
  throw ApplicationFailure.create({ type: 'ERR_WRONG_CODE', message: `${name} is not part of this recording`, nonRetryable: true });
};

/** Main- and agent-queue activities of each generation of the workflow code (the other's activities are tripwires). */
function activitiesFor(generation: 'old' | 'current', world: World, generic: Generic | undefined, commands?: Commands) {
  if (generation === 'old') {
    const main = { ...world.forge, readRunSettings: tripwire(world, 'readRunSettings'), publishStoredReview: tripwire(world, 'publishStoredReview') };
    return { main, agent: { ...world.agent, runAgent: tripwire(world, 'runAgent') }, forbidden: ['readRunSettings', 'publishStoredReview', 'runAgent'] };
  }
  assert.ok(generic, 'the current code needs the generic activities');
  return { main: { ...generic.main, ...commands?.activities() }, agent: { ...generic.agent, runReviewAgent: tripwire(world, 'runReviewAgent') }, forbidden: ['runReviewAgent'] };
}

type Generic = ReturnType<typeof import('./generic-activities.js').genericActivities>;
type Commands = import('./command-world.js').CommandFakes;

/** The command fakes and note maker of the current code (loaded only then, like genericFor's). */
async function commandsFor(mode: Mode, world: World) {
  if (mode === 'legacy') return undefined;
  const { CommandFakes, commandNote, threadReply } = await import('./command-world.js');
  return { fakes: new CommandFakes(world), note: commandNote, reply: threadReply };
}

/** The fakes of the current code's activities, sharing one claim store. Loaded only when needed: these modules do not
 * exist in a checkout of 773b8d3 (where --legacy runs). */
async function genericFor(mode: Mode, world: World, settings: RunSettings): Promise<Generic | undefined> {
  if (mode === 'legacy') return undefined;
  const { genericActivities } = await import('./generic-activities.js');
  return genericActivities(world, () => settings);
}

async function record(env: TestWorkflowEnvironment, name: string, index: number, mode: Mode, options: { overwrite: boolean; oldTree?: string }): Promise<void> {
  const scenario = scenarios[name];
  if (!scenario) throw new Error(`unknown scenario ${name}; known: ${Object.keys(scenarios).join(', ')}`);
  const began = Date.now();
  const taskQueue = `replay-${name}${suffix[mode]}`;
  const agentTaskQueue = `${taskQueue}-agent`;
  const ref: ChangeRef = { forge: 'gitlab', projectId: 100 + index, projectPath: `group/${name}`, number: 7 };
  const settings: RunSettings = { debounceMs: 50, reviewDrafts: false, agentTaskQueue, agentTimeoutMs: 60_000, reviewsPerRun: 50, ...scenario.settings };
  const world = new World(ref);
  const client = env.client.workflow;
  let generation: 'old' | 'current' = mode === 'v2' ? 'current' : 'old';
  const generic = await genericFor(mode, world, settings);
  const commands = await commandsFor(mode, world);
  let activities = activitiesFor(generation, world, generic, generation === 'current' ? commands?.fakes : undefined);
  /** world.calls made by the current generation start here. */
  let since = 0;
  // The first generation's input: the code before the patch took its settings from the input.
  const input: ReviewWorkflowInput = generation === 'old' ? { ref, settings } : { ref };

  const startMain = async (bundle: WorkflowBundleWithSourceMap) => {
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities: activities.main });
    const running = worker.run();
    return {
      stop: async () => {
        worker.shutdown();
        await running;
      },
    };
  };
  const oldBundle = mode === 'upgrade' ? await bundleWorkflowCode({ workflowsPath: resolve(options.oldTree ?? '', 'src/workflows/index.ts'), logger: quiet }) : undefined;
  let main = await startMain(oldBundle ?? (await workflowBundle()));
  // The agent worker serves both generations (an upgrade leaves its running job alone). Heartbeats, which bring an
  // activity its cancellation, go out at least every 200 ms.
  const agentActivities = mode === 'upgrade' && generic ? { ...world.agent, ...generic.agent } : activities.agent;
  const agent = await Worker.create({ connection: env.nativeConnection, taskQueue: agentTaskQueue, activities: agentActivities, maxConcurrentActivityTaskExecutions: 1, maxHeartbeatThrottleInterval: '200ms' });

  const drive: Drive = {
    world,
    push: async (headSha) => {
      world.head = headSha;
      const started = await client.signalWithStart<typeof reviewWorkflow, [ReviewRequest]>('reviewWorkflow', {
        workflowId: reviewWorkflowId(ref),
        taskQueue,
        args: [input],
        signal: newRevisionSignal,
        signalArgs: [world.request(headSha)],
      });
      return client.getHandle<typeof reviewWorkflow>(started.workflowId, started.signaledRunId);
    },
    ...(commands
      ? {
          commands: {
            ...commands,
            say: async (command: ChangeCommand) => {
              await client.signalWithStart<typeof reviewWorkflow, [ChangeCommand]>('reviewWorkflow', { workflowId: reviewWorkflowId(ref), taskQueue, args: [input], signal: changeCommandSignal, signalArgs: [command] });
              return command;
            },
          },
        }
      : {}),
    status: (handle) => handle.query(statusQuery),
    until: async (what, check) => {
      await eventually(async () => {
        const wrong = world.calls.slice(since).find((call) => activities.forbidden.includes(call));
        const expected = generation === 'old' ? 'the code of 773b8d3 (--legacy records only in a checkout of it)' : 'the current code';
        if (wrong) throw new Error(`${name}: the workflow called ${wrong}, which ${expected} never does (README.md)`);
        return (await check()) || undefined;
      }, `${name}: ${what}`, 30_000);
    },
    upgrade: async () => {
      assert.equal(mode, 'upgrade', `${name} is not an upgrade scenario`);
      await main.stop();
      generation = 'current';
      since = world.calls.length;
      activities = activitiesFor('current', world, generic, commands?.fakes);
      main = await startMain(await workflowBundle());
      log.info({ scenario: name }, 'main worker upgraded to the current workflow code');
    },
  };
  const runs = await agent.runUntil(scenario.run(drive)).finally(() => main.stop());
  for (const [stem, handle] of Object.entries(runs)) {
    const history = await handle.fetchHistory();
    const last = history.events?.at(-1)?.eventType;
    const file = `${stem}${suffix[mode]}.json`;
    assert.ok(last === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED || last === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW, `${file}: the run did not close`);
    const path = `${historiesDir}${file}`;
    // 'wx': an existing history is never replaced by accident (README.md: add new files, use patched()).
    await writeFile(path, historyToJSON(history), { flag: options.overwrite ? 'w' : 'wx' }).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      throw new Error(`${path} exists: record a new scenario instead (or pass --overwrite, see README.md)`);
    });
    log.info({ file: path, events: history.events?.length, lastEvent: EventType[last], ms: Date.now() - began }, 'history recorded');
  }
}

async function main(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options: { overwrite: { type: 'boolean', default: false }, legacy: { type: 'boolean', default: false }, 'old-tree': { type: 'string' } },
    allowPositionals: true,
  });
  const all = Object.keys(scenarios);
  const names = positionals.length > 0 ? positionals : all.filter((name) => !scenarios[name]?.upgrade);
  const oldTree = values['old-tree'];
  for (const name of names) {
    if (scenarios[name]?.upgrade && (values.legacy || !oldTree)) throw new Error(`${name} begins on the code of 773b8d3: pass --old-tree DIR (a checkout of it), without --legacy`);
  }
  await mkdir(historiesDir, { recursive: true });
  const env = await startTemporal();
  try {
    await registerSearchAttributes(env.connection, 'default');
    for (const name of names) {
      const mode: Mode = scenarios[name]?.upgrade ? 'upgrade' : values.legacy ? 'legacy' : 'v2';
      await record(env, name, all.indexOf(name), mode, { overwrite: values.overwrite, ...(oldTree ? { oldTree } : {}) });
    }
  } finally {
    await env.teardown();
  }
}

await main(process.argv.slice(2));
