// The agent-worker's bad day, at length: `forgebot agent-worker` processes (local sandbox, the real runner) killed -9
// while a job runs, a new one started each time, with the reviews queued on the agent task queue (one job at a time),
// against a real Temporal dev server, Redis, the fake GitLab on a real git repository and the fake model behind a gate.
// Prints kills, reviews, posts per review (summary notes, inline comments: 1 each), duplicates (must be 0), orphaned
// runners alive after their worker died, model calls and the total time. The 3-kill version runs in `make test`
// (test/agent-worker-kills.test.ts).
//   ./scripts/with-tools.sh node --import tsx bench/agent-worker-kills.ts [kills=20] [--per-job=1|2] [--heartbeat=5] [--network=host]
import { runKillCampaign } from '../test/helpers/agent-worker-kills.js';
import { PROJECT } from '../test/helpers/many-reviews-world.js';
import { startTemporal } from '../test/helpers/temporal.js';

const args = process.argv.slice(2);
const kills = Number(args.find((arg) => /^\d+$/.test(arg)) ?? 20);
const perJob = args.find((arg) => arg.startsWith('--per-job='))?.slice('--per-job='.length) === '2' ? 2 : 1;
const network = args.includes('--network=host') ? 'host' : 'auto';
const heartbeat = Number(args.find((arg) => arg.startsWith('--heartbeat='))?.slice('--heartbeat='.length) ?? 5);

const env = await startTemporal();
try {
  const result = await runKillCampaign({ env, kills, killsPerJob: perJob, heartbeatTimeoutSeconds: heartbeat, sandboxNetwork: network, timeoutMs: 30 * 60_000 });
  const { world } = result;
  const range = (counts: number[]) => (Math.min(...counts) === Math.max(...counts) ? String(counts[0]) : `${Math.min(...counts)}–${Math.max(...counts)}`);
  const summaries = range(world.iids.map((iid) => world.summaries(iid).length));
  const inline = range(world.iids.map((iid) => world.inlineComments(iid).length));
  const notes = range(world.iids.map((iid) => world.gitlab.notes(PROJECT.id, iid).length));
  await world.stop();
  const rows: [string, string | number][] = [
    ['kills', result.kills],
    ['merge requests', world.iids.length],
    ['reviews posted', result.reviews],
    ['summary notes per review', summaries],
    ['inline comments per review', inline],
    ['notes per merge request (all kinds)', notes],
    ['duplicates', result.duplicates],
    ['orphaned runners alive after the kill', result.orphansAlive],
    ['orphans answered after their worker died', result.orphanCallsAnswered],
    ['model calls', result.modelCalls],
    ['total', `${(result.ms / 1000).toFixed(1)} s`],
    ['per kill', `${(result.ms / 1000 / Math.max(1, result.kills)).toFixed(1)} s`],
  ];
  for (const [name, value] of rows) process.stdout.write(`${name.padEnd(40)} ${value}\n`);
  if (result.duplicates > 0 || result.reviews !== result.world.iids.length) process.exitCode = 1;
} finally {
  await env.teardown();
}
