import assert from 'node:assert/strict';
import { ToolInputError } from '../../src/agents/confined-path.js';
import type { ExtraTool } from '../../src/agents/tool-loop.js';
import { parseRepoSettings } from '../../src/domain/review-settings.js';

/** `.forgebot.yml` text → the settings createEditTools takes (fails the test on any problem). */
export function settingsFrom(yaml: string) {
  const { settings, problems } = parseRepoSettings(yaml);
  assert.deepEqual(problems, []);
  return settings;
}

/** Calls the named tool of `tools` (fails when it is not offered). */
export function toolRunner(tools: readonly ExtraTool[]) {
  return (name: string, input: unknown): Promise<string> => {
    const tool = tools.find((candidate) => candidate.definition.name === name);
    if (!tool) throw new Error(`no tool ${name}: ${tools.map((candidate) => candidate.definition.name).join(', ')}`);
    return tool.run(input);
  };
}

/** Asserts that `call` is refused for the model (a ToolInputError) with a message matching `reason`. */
export async function assertRefused(call: Promise<unknown>, reason: RegExp): Promise<void> {
  await assert.rejects(call, (error: unknown) => {
    assert.ok(error instanceof ToolInputError, `expected a refusal, got ${String(error)}`);
    assert.match(error.message, reason);
    return true;
  });
}
