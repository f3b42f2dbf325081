import { innermostInAppFrame } from './demo-analyst.js';
import { BADGE_FIX, BADGE_PATH, REPRO_TEST, REPRO_TEST_PATH } from './demo-shop-bug.js';
import { text, textOf, toolResultsOf, toolUse, type MessagesRequest, type ScriptedReply } from './messages.js';

/**
 * The fixer of demo mode (a script, not a model), test first: reads the file of the innermost in-app frame; when it
 * holds the demo shop's bug, writes a test that reproduces the TypeError, runs the declared `test` command (it
 * fails), makes the one-line fix, runs it again (it passes) and submits with the test's path, for the runner's own
 * proof. Any other error: it changes nothing and says why. Stateless: it answers any number of fixes.
 */
export function demoFixer(request: MessagesRequest): ScriptedReply {
  const assistant = request.messages.filter((message) => message.role === 'assistant');
  const turns = assistant.length;
  if (turns === 0) {
    const frame = innermostInAppFrame(textOf(request.messages[0]?.content ?? ''));
    return { content: [text('Reading the code the stack trace points at.'), toolUse('read_file', { path: frame?.path ?? BADGE_PATH })] };
  }
  if (turns === 1) {
    const read = toolResultsOf(request.messages.at(-1))[0];
    if (!read || read.isError || !read.content.includes(BADGE_FIX.from)) {
      return {
        content: [
          toolUse('submit_work', {
            summary: 'No change: this is the scripted demo fixer (no model involved), and it recognizes only the demo shop\'s bug.',
            commit_message: 'No change',
            test_paths: [],
          }),
        ],
      };
    }
    return {
      content: [
        text('A cart without items reaches cart.items.reduce. Writing a test that reproduces the TypeError first.'),
        toolUse('write_file', { path: REPRO_TEST_PATH, content: REPRO_TEST }),
        toolUse('run_command', { name: 'test' }),
      ],
    };
  }
  if (turns === 2) {
    return { content: [text('The new test fails with the TypeError; now the fix.'), toolUse('replace_in_file', { path: BADGE_PATH, old_text: BADGE_FIX.from, new_text: BADGE_FIX.to })] };
  }
  if (turns === 3) return { content: [toolUse('run_command', { name: 'test' })] };
  return {
    content: [
      toolUse('submit_work', {
        summary: "cartBadgeCount() read cart.items of a new session's cart, which has none yet, and raised the TypeError. It counts a missing items array as empty now; a new test covers a new session's cart, and the declared tests pass.",
        commit_message: "Show 0 on the cart badge of a new session\n\ncartBadgeCount() called reduce on cart.items, which a new session's cart\ndoes not have until the first thing is added.",
        test_paths: [REPRO_TEST_PATH],
      }),
    ],
  };
}
