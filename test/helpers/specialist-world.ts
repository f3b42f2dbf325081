// The scripted brain and the deliveries of the specialist-review end-to-end test: each reviewer conversation answered
// by its specialist (the `Specialist: <name>.` line of its focus block), the validator and the answerer by their submit
// tools; merge request hooks for any merge request of project 1 (gitlabhq/gitlab-test).
import { randomUUID } from 'node:crypto';
import type { Brain } from '../../src/fakes/anthropic/fake-anthropic.js';
import { textOf, toolUse, type MessagesRequest } from '../../src/fakes/anthropic/messages.js';
import { specialistOf, toolNamesOf } from '../../src/fakes/anthropic/specialist-brain.js';
import { loadFixture } from './fixtures.js';
import { TEST_SECRET } from './webhook-server.js';

/** What one reviewer submits: `single` is the one reviewer of a change only general looks at. */
export interface ReviewerAnswer {
  summary: string;
  findings: object[];
  fixed?: string[];
}

/** What the brain answers, set by the test before each step. */
export interface BrainScript {
  reviewers: Record<string, ReviewerAnswer>;
  /** The validator does not confirm the findings on these lines (of the shown blocker/major ones). */
  refuteLines: number[];
  /** The answerer's submission to a reply in a finding thread. */
  answer?: { answer: string; disposition: string };
}

/** A brain that answers every role from `script` (read when each request comes), and fails loudly for anything else. */
export function specialistBrain(script: BrainScript): Brain {
  return (request: MessagesRequest) => {
    const tools = toolNamesOf(request);
    if (tools.includes('submit_verdicts')) {
      const brief = textOf(request.messages[0]!.content);
      const verdicts = [...brief.matchAll(/^## Finding (F\d+): \w+, \w+, line (\d+)$/gm)].map(([, id, line]) => {
        const refuted = script.refuteLines.includes(Number(line));
        return { id, verdict: refuted ? 'not-confirmed' : 'confirmed', reason: refuted ? `line ${line} is a plain constant: nothing to fix` : `checked at line ${line}` };
      });
      return { content: [toolUse('submit_verdicts', { verdicts })] };
    }
    if (tools.includes('submit_answer')) {
      if (!script.answer) throw new Error('the brain has no answer scripted');
      return { content: [toolUse('submit_answer', script.answer)] };
    }
    const name = specialistOf(request) ?? 'single';
    const reviewer = script.reviewers[name];
    if (!tools.includes('submit_review') || !reviewer) throw new Error(`the brain has nothing for ${name} (tools ${tools.join(', ')})`);
    // A short delay: the specialists' conversations overlap, as they do against the real API.
    return { content: [toolUse('submit_review', { summary: reviewer.summary, findings: reviewer.findings, fixed: reviewer.fixed ?? [] })], delayMs: 150 };
  };
}

const open = loadFixture('gitlab', 'merge_request--open');

/** GitLab's merge request hook (the real "open" payload) for MR `iid` of project 1, as `action`, re-tokened. */
export function mergeRequestDelivery(input: { iid: number; sourceBranch: string; headSha?: string; action?: 'open' | 'merge' | 'close' }): { headers: Record<string, string>; body: string } {
  const json = structuredClone(open.json) as { object_attributes: Record<string, unknown> & { last_commit: Record<string, unknown> } };
  const action = input.action ?? 'open';
  Object.assign(json.object_attributes, {
    iid: input.iid,
    source_branch: input.sourceBranch,
    action,
    state: action === 'merge' ? 'merged' : action === 'close' ? 'closed' : 'opened',
    ...(input.headSha ? { last_commit: { ...json.object_attributes.last_commit, id: input.headSha } } : {}),
  });
  return { headers: { ...open.headers, 'X-Gitlab-Token': TEST_SECRET, 'X-Gitlab-Event-UUID': randomUUID() }, body: JSON.stringify(json) };
}
