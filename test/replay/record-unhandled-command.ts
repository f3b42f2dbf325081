// Records histories/review-command-unhandled-v2.json: the review workflow code of commit e91ceca (before commands were
// handled) receives a changeCommand signal — the webhook side deployed before the workers — between two reviewed
// pushes. Today's code must replay it and leave that command alone (the change-commands patch); test/replay.test.ts does.
// Run: git archive e91ceca src | tar -x -C DIR; ln -s "$PWD/node_modules" DIR/node_modules
//      ./scripts/with-tools.sh node --import tsx test/replay/record-unhandled-command.ts --old-tree DIR [--overwrite]
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { ChangeCommand } from '../../src/domain/change-command.js';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { reviewWorkflowId, type ChangeRef } from '../../src/domain/change-ref.js';
import type { ReviewRequest } from '../../src/domain/review-request.js';
import { registerSearchAttributes } from '../../src/workers/register-search-attributes.js';
import { changeClosedSignal, changeCommandSignal, newRevisionSignal, statusQuery, type RunSettings } from '../../src/workflows/definitions.js';
import { eventually } from '../helpers/forgebot-stack.js';
import { startTemporal } from '../helpers/temporal.js';
import { commandNote } from './command-world.js';
import { genericActivities } from './generic-activities.js';
import { historyToJSON } from './history-json.js';
import { sha, World } from './replay-world.js';
import type { reviewWorkflow } from '../../src/workflows/review.js';

const FILE = fileURLToPath(new URL('./histories/review-command-unhandled-v2.json', import.meta.url));
const noop = () => undefined;
const quiet = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, log: noop };

const { values } = parseArgs({ options: { 'old-tree': { type: 'string' }, overwrite: { type: 'boolean', default: false } } });
const oldTree = values['old-tree'];
if (!oldTree) throw new Error('pass --old-tree DIR: a checkout of commit e91ceca (see the comment at the top)');

const env = await startTemporal();
try {
  await registerSearchAttributes(env.connection, 'default');
  const ref: ChangeRef = { forge: 'gitlab', projectId: 200, projectPath: 'group/review-command-unhandled', number: 7 };
  const taskQueue = 'replay-review-command-unhandled';
  const settings: RunSettings = { debounceMs: 50, reviewDrafts: false, agentTaskQueue: `${taskQueue}-agent`, agentTimeoutMs: 60_000, reviewsPerRun: 50 };
  const world = new World(ref);
  const generic = genericActivities(world, () => settings);
  const bundle = await bundleWorkflowCode({ workflowsPath: resolve(oldTree, 'src/workflows/index.ts'), logger: quiet });
  const main = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities: generic.main });
  const agent = await Worker.create({ connection: env.nativeConnection, taskQueue: settings.agentTaskQueue, activities: generic.agent });
  const client = env.client.workflow;
  const workflowId = reviewWorkflowId(ref);
  const reviewed = (headSha: string) => eventually(async () => (await client.getHandle(workflowId).query(statusQuery)).lastReviewedSha === headSha || undefined, `${headSha} reviewed`, 30_000);
  const history = await main.runUntil(
    agent.runUntil(async () => {
      world.head = sha(1);
      await client.signalWithStart<typeof reviewWorkflow, [ReviewRequest]>('reviewWorkflow', { workflowId, taskQueue, args: [{ ref }], signal: newRevisionSignal, signalArgs: [world.request(sha(1))] });
      await reviewed(sha(1));
      const handle = client.getHandle(workflowId);
      await handle.signal<[ChangeCommand]>(changeCommandSignal, commandNote({ id: 30, username: 'dev' }, 'pause'));
      world.head = sha(2);
      await handle.signal(newRevisionSignal, world.request(sha(2)));
      await reviewed(sha(2));
      await handle.signal(changeClosedSignal, { reason: 'merged' });
      await handle.result();
      return handle.fetchHistory();
    }),
  );
  assert.deepEqual(world.reviewsStarted, [sha(1), sha(2)], 'the old code ignored the pause');
  await writeFile(FILE, historyToJSON(history), { flag: values.overwrite ? 'w' : 'wx' });
  console.log(`recorded ${FILE} (${history.events?.length} events)`);
} finally {
  await env.teardown();
}
