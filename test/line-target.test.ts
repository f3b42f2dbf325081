// The pure parts of answering: lines named in a command, where a suggestion may be one click, and the answer's Markdown.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { renderAnswer, suggestionDiff } from '../src/activities/commands/render-answer.js';
import { placeSuggestion, type PlacementInput } from '../src/activities/commands/suggestion-placement.js';
import { formatLineTarget, noteTarget, parseLineTarget } from '../src/domain/line-target.js';

describe('line targets', () => {
  test('path:line[-line] at the start of the argument, the rest is the question', () => {
    assert.deepEqual(parseLineTarget('src/app.ts:10-20 why a Map?'), { target: { path: 'src/app.ts', startLine: 10, endLine: 20 }, rest: 'why a Map?' });
    assert.deepEqual(parseLineTarget('  `lib/x.py:7`  '), { target: { path: 'lib/x.py', startLine: 7, endLine: 7 }, rest: '' });
    assert.deepEqual(parseLineTarget('./a/b.ts:9-3'), { target: { path: 'a/b.ts', startLine: 3, endLine: 9 }, rest: '' }, 'ends in either order');
    assert.deepEqual(parseLineTarget('c:\\x:3'), undefined, 'a backslash path');
    assert.deepEqual(parseLineTarget('odd:name.ts:4 ok')?.target, { path: 'odd:name.ts', startLine: 4, endLine: 4 }, 'the last :line is the line');
    for (const refused of ['why src/app.ts:3', 'src/app.ts', 'src/app.ts:0', '/etc/passwd:1', '../secret:1', 'a//b:1', 'https://evil.example/x:1', 'src/app.ts:1-5000', 'src/app.ts:3x', '']) {
      assert.equal(parseLineTarget(refused), undefined, refused);
    }
  });

  test("a diff note's lines: startLine ?? line .. line; a plain note has none", () => {
    assert.deepEqual(noteTarget({ kind: 'diff', path: 'a.ts', line: 9, startLine: 4 }), { path: 'a.ts', startLine: 4, endLine: 9 });
    assert.deepEqual(noteTarget({ kind: 'diff', path: 'a.ts', line: 9 }), { path: 'a.ts', startLine: 9, endLine: 9 });
    assert.equal(noteTarget({ kind: 'diff', path: 'a.ts' }), undefined);
    assert.equal(noteTarget({ kind: 'change' }), undefined);
    assert.equal(formatLineTarget({ path: 'a.ts', startLine: 4, endLine: 9 }), 'a.ts:4-9');
  });
});

describe('where a suggestion may be one click', () => {
  const diff = `@@ -0,0 +1,300 @@\n${Array.from({ length: 300 }, (_, index) => `+line ${index + 1}`).join('\n')}\n`;
  const file = { oldPath: 'a.ts', newPath: 'a.ts', newFile: true, deletedFile: false, renamedFile: false, diff };
  const base: PlacementInput = {
    forge: 'gitlab',
    place: { kind: 'diff', path: 'a.ts', line: 150, startLine: 148 },
    suggestion: { path: 'a.ts', startLine: 140, endLine: 160, replacement: 'x\n' },
    answeredSha: 'a'.repeat(40),
    headSha: 'a'.repeat(40),
    file,
  };
  const why = (input: Partial<PlacementInput>) => {
    const placed = placeSuggestion({ ...base, ...input });
    return placed.kind === 'shown' ? placed.why : placed.info;
  };

  test('GitLab: -A+B around the note\'s (last) line, at most 100 each way, the line included', () => {
    assert.equal(why({}), 'suggestion:-10+10');
    assert.equal(why({ suggestion: { ...base.suggestion, startLine: 50, endLine: 250 } }), 'suggestion:-100+100');
    assert.match(why({ suggestion: { ...base.suggestion, startLine: 49, endLine: 150 } }), /must include this thread's line 150 and reach at most 100 lines/);
    assert.match(why({ suggestion: { ...base.suggestion, startLine: 151, endLine: 152 } }), /must include this thread's line 150/);
  });

  test('GitHub: only exactly the thread\'s lines', () => {
    assert.equal(why({ forge: 'github', suggestion: { ...base.suggestion, startLine: 148, endLine: 150 } }), 'suggestion');
    assert.match(why({ forge: 'github' }), /it changes lines 140–160, and a suggestion here can only replace this thread's lines 148–150/);
  });

  test('never one click: not on the diff, head moved, another file, a line the diff does not show, hidden characters, a secret, a quick action', () => {
    assert.match(why({ place: { kind: 'change' } }), /not asked on lines of the diff/);
    assert.match(why({ headSha: 'b'.repeat(40) }), /moved on after the answer was written \(it read aaaaaaaaaaaa; the head is now bbbbbbbbbbbb\)/);
    assert.match(why({ suggestion: { ...base.suggestion, path: 'b.ts' } }), /another file/);
    assert.match(why({ file: undefined }), /not on lines of the head's side/);
    assert.match(why({ place: { kind: 'diff', path: 'a.ts', line: 301 }, suggestion: { ...base.suggestion, startLine: 301, endLine: 301 } }), /not on lines of the head's side/);
    assert.match(why({ suggestion: { ...base.suggestion, replacement: 'if (isAdmin\u202E) {\n' } }), /invisible or direction-changing/);
    assert.match(why({ suggestion: { ...base.suggestion, replacement: 'const key = "ghp_abcdefghijklmnopqrstuvwxyz0123";\n' } }), /looks like a secret/);
    assert.match(why({ suggestion: { ...base.suggestion, replacement: 'ok\n/merge\n' } }), /quick action/);
  });
});

describe('the answer as Markdown', () => {
  const usage = { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0, turns: 1 };
  const result = { answer: 'Delete them.', model: 'm', usage, truncated: false, headSha: 'a'.repeat(40) };

  test('a one-click deletion is an empty suggestion; a fence outruns backticks in the replacement', () => {
    const deletion = renderAnswer({ forge: 'github', result: { ...result, suggestion: { path: 'a.ts', startLine: 2, endLine: 3, replacement: '' } }, placement: { kind: 'one-click', info: 'suggestion' } });
    assert.equal(deletion, 'Delete them.\n\n```suggestion\n```');
    const ticks = renderAnswer({ forge: 'gitlab', result: { ...result, suggestion: { path: 'a.ts', startLine: 2, endLine: 2, replacement: 'const s = `````;\n' } }, placement: { kind: 'one-click', info: 'suggestion:-0+0' } });
    assert.match(ticks, /\n``````suggestion:-0\+0\nconst s = `````;\n``````$/);
  });

  test('a shown suggestion without its old lines says so; a stopped answer says it may be incomplete', () => {
    assert.equal(suggestionDiff({ path: 'a.ts', startLine: 4, endLine: 5, replacement: 'x\n' }, undefined), '--- a/a.ts\n+++ b/a.ts\n@@ -4 +4,1 @@\n+x');
    const body = renderAnswer({ forge: 'gitlab', result: { ...result, stoppedBy: 'turns', suggestion: { path: 'a.ts', startLine: 4, endLine: 5, replacement: 'x\n' } }, placement: { kind: 'shown', why: 'it was not asked on lines of the diff' } });
    assert.match(body, /may be incomplete/);
    assert.match(body, /Suggested change to lines 4–5 of `a\.ts` \(the lines it replaces could not be read\); not offered as a one-click suggestion: it was not asked on lines of the diff\./);
  });

  test('only won\'t fix and false positive promise not to raise the finding again', () => {
    assert.match(renderAnswer({ forge: 'gitlab', result, disposition: 'wont-fix' }), /Noted as won't fix: forgebot will not raise this finding again on this merge request\.$/);
    for (const disposition of ['fixed', 'disputed', 'question'] as const) assert.doesNotMatch(renderAnswer({ forge: 'github', result, disposition }), /will not raise/);
  });
});
