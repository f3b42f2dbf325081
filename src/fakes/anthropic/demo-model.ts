import { demoAnalyst } from './demo-analyst.js';
import { demoAnswerer } from './demo-answerer.js';
import { demoFixer } from './demo-fixer.js';
import { demoPlanner } from './demo-planner.js';
import { demoReviewer } from './demo-reviewer.js';
import type { MessagesRequest, ScriptedReply } from './messages.js';

/**
 * The scripted model of demo mode: the role is told by the submit tool it is offered, as a model would read its
 * tools — `submit_analysis` (the Sentry analyst), `submit_work` (the fixer),
 * `submit_answer` (the answerer), `submit_plan` (the planner), else the reviewer.
 */
export function demoModel(request: MessagesRequest): ScriptedReply {
  const tools = new Set((request.tools ?? []).map((tool) => tool.name));
  if (tools.has('submit_analysis')) return demoAnalyst(request);
  if (tools.has('submit_work')) return demoFixer(request);
  if (tools.has('submit_answer')) return demoAnswerer(request);
  if (tools.has('submit_plan')) return demoPlanner(request);
  return demoReviewer(request);
}
