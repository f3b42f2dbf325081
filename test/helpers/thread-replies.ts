import { ThreadReply } from '../../src/domain/change-command.js';
import { threadReplySignal } from '../../src/workflows/definitions.js';
import type { RecordingStarter } from './recording-starter.js';

/** The thread replies the starter handed to review workflows: how (`signal` or `start`), to which change, what. */
export function repliesOf(starter: RecordingStarter) {
  return starter.calls
    .filter((call) => call.kind === 'review' && call.signal.name === threadReplySignal.name)
    .map((call) => ({ op: call.op, subject: call.subject, reply: ThreadReply.parse(call.signal.args[0]) }));
}

/** One sample of the server's `/metrics` (`name{labels}` exactly as exposed); undefined when it is absent. */
export async function metricSample(url: string, sample: string): Promise<number | undefined> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${sample} `));
  return line === undefined ? undefined : Number(line.slice(sample.length + 1));
}

/** The signals of `name` dropped because their workflow was not running (forgebot_webhook_signals_dropped_total). */
export function droppedSignals(url: string, name = threadReplySignal.name): Promise<number | undefined> {
  return metricSample(url, `forgebot_webhook_signals_dropped_total{signal="${name}"}`);
}
