import { BADGE_FIX, BADGE_PATH, BUG_LINE, HEADER_LINE, HEADER_PATH } from './demo-shop-bug.js';
import { text, textOf, toolResultsOf, toolUse, type MessagesRequest, type ScriptedReply } from './messages.js';

/** The innermost in-app frame of the evidence in the brief (`* #1 src/badge.js:5:21 in …`), if it names one. */
export function innermostInAppFrame(brief: string): { path: string; line: number } | undefined {
  const match = /^\s*\* #\d+ ([^\s:]+):(\d+)/m.exec(brief);
  return match?.[1] && match[2] ? { path: match[1], line: Number(match[2]) } : undefined;
}

/** What the demo analyst submits when the file it read holds the demo shop's bug. */
export const DEMO_ANALYSIS = {
  root_cause: "cartBadgeCount() calls cart.items.reduce(…), but a new session's cart has no items array until the first thing is added: reading 'reduce' of undefined raises the TypeError on every page header of such a session.",
  evidence: [
    { path: BADGE_PATH, start_line: BUG_LINE, end_line: BUG_LINE, why: 'Reads cart.items without checking that the cart has items yet.' },
    { path: HEADER_PATH, start_line: HEADER_LINE, end_line: HEADER_LINE, why: "Renders the badge for every session's cart, new ones included." },
  ],
  reproduction: 'Call cartBadgeCount({}) (the cart of a new session): it throws instead of returning 0.',
  fixable: true,
  confidence: 0.9,
  reason: 'The fault is one line of src/badge.js; treating a missing items array as empty fixes it without changing any other count.',
  proposed_fix: 'In cartBadgeCount(), count over (cart.items ?? []) so that a cart without items shows 0.',
};

/**
 * The analyst of demo mode (a script, not a model): reads the file of the innermost in-app frame, searches for the
 * function's callers, and submits DEMO_ANALYSIS when that file holds the demo shop's bug; for any other error it
 * says, with confidence 0, that it knows only that one. Stateless: it answers any number of analyses.
 */
export function demoAnalyst(request: MessagesRequest): ScriptedReply {
  const turns = request.messages.filter((message) => message.role === 'assistant').length;
  const frame = innermostInAppFrame(textOf(request.messages[0]?.content ?? ''));
  if (turns === 0) {
    return { content: [text('Following the innermost in-app frame of the stack trace.'), toolUse('read_file', { path: frame?.path ?? BADGE_PATH })] };
  }
  if (turns === 1) {
    const read = toolResultsOf(request.messages.at(-1))[0];
    if (read && !read.isError && read.content.includes(BADGE_FIX.from)) return { content: [toolUse('search_code', { pattern: 'cartBadgeCount' })] };
    return {
      content: [
        toolUse('submit_analysis', {
          root_cause: 'Unknown: this is the scripted demo analyst, which recognizes only the demo shop\'s bug, and the stack trace does not lead to it.',
          evidence: [],
          reproduction: '',
          fixable: false,
          confidence: 0,
          reason: 'The scripted demo analyst (no model involved) knows only the demo shop\'s TypeError; configure ANTHROPIC_API_KEY for a real analysis.',
        }),
      ],
    };
  }
  return { content: [toolUse('submit_analysis', DEMO_ANALYSIS)] };
}
