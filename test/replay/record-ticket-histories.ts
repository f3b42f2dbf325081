// Records ticketWorkflow histories for test/replay-ticket.test.ts on a Temporal dev server, with the fakes of
// ticket-world.ts and the scenarios of ticket-scenarios.ts: files ticket-histories/<scenario>.json.
// Run: ./scripts/with-tools.sh node --import tsx test/replay/record-ticket-histories.ts [--overwrite] [scenario…]
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import proto from '@temporalio/proto';
import { createLogger } from '../../src/logger.js';
import { registerSearchAttributes } from '../../src/workers/register-search-attributes.js';
import { startTemporal } from '../helpers/temporal.js';
import { historyToJSON } from './history-json.js';
import { ticketScenarios } from './ticket-scenarios.js';
import { TicketWorld, withTicket } from './ticket-world.js';

const EventType = proto.temporal.api.enums.v1.EventType;
const historiesDir = fileURLToPath(new URL('./ticket-histories/', import.meta.url));
const log = createLogger(process.env.LOG_LEVEL ?? 'info', 'json', 'record-ticket-histories');

async function main(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, options: { overwrite: { type: 'boolean', default: false } }, allowPositionals: true });
  const all = Object.keys(ticketScenarios);
  const names = positionals.length > 0 ? positionals : all;
  await mkdir(historiesDir, { recursive: true });
  const env = await startTemporal();
  try {
    await registerSearchAttributes(env.connection, 'default');
    for (const name of names) {
      const scenario = ticketScenarios[name];
      if (!scenario) throw new Error(`unknown scenario ${name}; known: ${all.join(', ')}`);
      const world = new TicketWorld(TicketWorld.mapping(`group/${name}`), { key: `PROJ-${100 + all.indexOf(name)}`, agentTaskQueue: `replay-${name}` });
      scenario.arrange?.(world);
      let recorded: string | undefined;
      await withTicket(
        env,
        world,
        async (handle) => {
          await scenario.drive(handle, world);
          const history = await handle.fetchHistory();
          const last = history.events?.at(-1)?.eventType;
          assert.equal(last, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, `${name}: the run did not complete`);
          recorded = historyToJSON(history);
          log.info({ scenario: name, events: history.events?.length }, 'history recorded');
        },
        scenario.timing,
      );
      const path = `${historiesDir}${name}.json`;
      // 'wx': an existing history is never replaced by accident (README.md: add new files, use patched()).
      await writeFile(path, recorded ?? '', { flag: values.overwrite ? 'w' : 'wx' }).catch((error: unknown) => {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        throw new Error(`${path} exists: record a new scenario instead (or pass --overwrite, see README.md)`);
      });
    }
  } finally {
    await env.teardown();
  }
}

await main(process.argv.slice(2));
