// Properties of safe-markdown.ts for any input (fast-check), checked on the raw Markdown and on what a CommonMark
// renderer (markdown-it) makes of it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { codeSpan, fence, fromSafeLine, safeCode, safeLine, safeText } from '../src/domain/safe-markdown.js';
import { inlineOf, liveParts, tokensOf } from './helpers/markdown-check.js';

/** Pieces of Markdown, HTML, mentions, URLs and forgebot markers, mixed with arbitrary text. */
const FRAGMENTS = [
  '@all', '@group/team', '@', 'bob@example.com', '#12', '!3', '&4', '/merge', '\n/approve', '`', '``', '```', '````', '~~~', '\n```suggestion:-0+0\n',
  '[', ']', '(', ')', '](', '![x](https://evil.example/p.png)', '[click](javascript:alert(1))', '<https://evil.example>', 'https://evil.example/a',
  'www.evil.example', 'javascript:alert(1)', 'data:text/html,x', '<img src=x onerror=alert(1)>', '<!-- forgebot:summary -->',
  '<!-- forgebot:finding:deadbeef -->', '<', '>', '&', '&lt;', '&#64;', '\\', '|', '| a | b |\n|---|---|\n', '\n\n', '\n', ' ', '    ', '*', '_', '-', '> ',
  '# ', '[1]: https://evil.example\n', 'a', 'x', '\u202E', '\u200B',
];
const markdownish = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 4 })), { maxLength: 25 }).map((parts) => parts.join('')),
);
const RUNS = { numRuns: 1_500 };

function assertInert(markdown: string): void {
  assert.doesNotMatch(markdown, /</, 'no `<`: no HTML, no comment, no forgebot marker');
  assert.doesNotMatch(markdown, /@[A-Za-z0-9_]/, 'no @ followed by a word character');
  assert.doesNotMatch(markdown, /\]\(/, 'no ](');
  const live = liveParts(markdown);
  assert.deepEqual([live.links, live.images, live.html, live.mentions, live.references], [[], [], [], [], []]);
  assert.ok(live.fences.every((info) => !info.startsWith('suggestion')), 'never a suggestion block');
}

describe('safe-markdown properties', () => {
  test('safeText: for any input, nothing renders live', () => {
    fc.assert(fc.property(markdownish, (text) => assertInert(safeText(text))), RUNS);
  });

  test('safeText placed in a list item (as the summary does) is still inert, and ends inside the item', () => {
    fc.assert(fc.property(markdownish, (text) => {
      const item = `- title\n${safeText(text).split('\n').map((line) => (line === '' ? '' : `  ${line}`)).join('\n')}\n\n<!-- forgebot:finding:0123abcd -->`;
      assertInert(item.slice(0, item.lastIndexOf('\n\n')));
      assert.equal(tokensOf(item).filter((token) => token.type === 'html_block').length, 1, 'the marker after it is still a marker');
    }), RUNS);
  });

  test('safeLine: one line, inert, and stable when read back (fromSafeLine) and rendered again', () => {
    fc.assert(fc.property(markdownish, (text) => {
      const line = safeLine(text);
      assert.doesNotMatch(line, /\n/);
      assertInert(line);
      // Read back (a title from forgebot's own comment) and rendered again: the same, when no backtick sits next to a code span.
      if (!text.includes('`')) assert.equal(safeLine(fromSafeLine(line)), line);
    }), RUNS);
  });

  test('safeCode: one code span and nothing else', () => {
    fc.assert(fc.property(markdownish.filter((text) => text.replace(/[\u0000-\u001F\u200B\u202A-\u202E\u2066-\u2069]/g, '').trim() !== ''), (text) => {
      const out = `- ${safeCode(text)}`;
      assert.doesNotMatch(out, /</);
      assert.deepEqual(inlineOf(out).map((token) => token.type), ['code_inline'], out);
    }), RUNS);
  });

  const exact = fc.string({ maxLength: 80, unit: fc.oneof(fc.constantFrom('`', ' ', 'a', '\\', '<', '|', '*', '\t', '~'), fc.string({ minLength: 1, maxLength: 1, unit: 'grapheme' })) })
    .filter((text) => !/[\r\n\0]/.test(text));

  test('codeSpan: parses back to exactly its text, whatever backticks and spaces it holds', () => {
    fc.assert(fc.property(exact.filter((text) => text !== ''), (text) => {
      const tokens = tokensOf(`x ${codeSpan(text)} y`);
      const children = tokens.filter((token) => token.type === 'code_inline' || token.type === 'text');
      assert.deepEqual(children.map((token) => [token.type, token.content]), [['text', 'x '], ['code_inline', text], ['text', ' y']]);
    }), RUNS);
  });

  test('fence: parses back to exactly its text, and nothing renders outside it', () => {
    const block = fc.array(fc.oneof(exact, fc.constantFrom('```', '````', '~~~', '    ```', '```suggestion')), { maxLength: 8 }).map((lines) => lines.join('\n'));
    fc.assert(fc.property(block, fc.constantFrom('text', 'suggestion:-2+0', 'ts'), (text, info) => {
      const tokens = tokensOf(`${fence(text, info)}\n\nafter`);
      assert.deepEqual(tokens.map((token) => token.type), ['fence', 'paragraph_open', 'inline', 'text', 'paragraph_close']);
      assert.equal(tokens[0]?.content, `${text}\n`);
      assert.equal(tokens[0]?.info, info);
    }), RUNS);
  });
});
