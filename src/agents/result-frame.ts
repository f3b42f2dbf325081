import { z } from 'zod';
import { AgentOutput } from '../domain/agent-task.js';

const BEGIN = '<<<FORGEBOT-RESULT';
const END = 'FORGEBOT-RESULT>>>';
/** Largest framed result accepted (a review is a few KB, a patch is bounded by the scope limits; this bounds a runaway runner). */
export const MAX_FRAME_BYTES = 2 * 1024 * 1024;

export const RunnerFailure = z.object({ error: z.object({ code: z.string().min(1).max(100), message: z.string().max(10_000) }) });
export type RunnerFailure = z.infer<typeof RunnerFailure>;

export const Frame = z.union([z.object({ result: AgentOutput }), RunnerFailure]);
export type Frame = z.infer<typeof Frame>;

/**
 * The block the runner prints last on stdout (the only thing the sandbox reads from it):
 * a line `<<<FORGEBOT-RESULT`, one line of JSON, a line `FORGEBOT-RESULT>>>`.
 */
export function frame(payload: Frame): string {
  return `\n${BEGIN}\n${JSON.stringify(payload)}\n${END}\n`;
}

/** Finds the last framed block in the runner's stdout and validates it: a result or the runner's error. */
export function parseFramedResult(stdout: string): Frame {
  const end = stdout.lastIndexOf(`\n${END}`);
  const begin = end < 0 ? -1 : stdout.lastIndexOf(`${BEGIN}\n`, end);
  if (begin < 0) throw new Error('the runner printed no result block');
  const body = stdout.slice(begin + BEGIN.length, end).trim();
  if (Buffer.byteLength(body) > MAX_FRAME_BYTES) throw new Error(`the runner's result is larger than ${MAX_FRAME_BYTES} bytes`);
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new Error('the runner result block is not valid JSON');
  }
  const parsed = Frame.safeParse(json);
  if (!parsed.success) throw new Error(`the runner result is invalid: ${parsed.error.issues.slice(0, 10).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}
