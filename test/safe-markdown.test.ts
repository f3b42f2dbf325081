// safe-markdown.ts on the attacks a model (or a diff it reads) can put into what forgebot posts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { codeSpan, fence, fromSafeLine, safeCode, safeFence, safeLine, safeText } from '../src/domain/safe-markdown.js';
import { codeSpansOf, liveParts, renderHtml, tokensOf } from './helpers/markdown-check.js';

const ZWSP = '\u200B';
const nothingLive = (markdown: string) => {
  const live = liveParts(markdown);
  assert.deepEqual({ ...live, fences: [] }, { links: [], images: [], html: [], mentions: [], references: [], fences: [] }, markdown);
};

describe('safeText', () => {
  test('@all, @here, @channel, @user and @group/team do not notify, yet read the same', () => {
    const out = safeText('Ping @all, @here, @channel, @alice and @group/team (mail bob@example.com).');
    nothingLive(out);
    assert.doesNotMatch(out, /@[A-Za-z0-9_]/);
    assert.equal(out.replaceAll(ZWSP, ''), 'Ping @all, @here, @channel, @alice and @group/team (mail bob@example.com).');
  });

  test('an image becomes its alt text and its URL as code: nothing loads', () => {
    const out = safeText('Look ![x](https://evil.example/p.png "t") here');
    nothingLive(out);
    assert.equal(out, 'Look x (`https://evil.example/p.png`) here');
  });

  test('a link becomes `text (url)`; javascript:, data: and bare URLs are code, never links', () => {
    const out = safeText('[click](javascript:alert(1)) or [x](<data:text/html,hi>) or javascript:alert(2) or https://evil.example/a or www.evil.example');
    nothingLive(out);
    assert.equal(out, 'click (`javascript:alert(1)`) or x (`data:text/html,hi`) or `javascript:alert(2)` or `https://evil.example/a` or `www.evil.example`');
  });

  test('autolinks, reference links and footnotes are defanged', () => {
    const out = safeText('<https://evil.example/x> [ref][1] [^2]\n\n[1]: https://evil.example/r\n[^2]: note');
    nothingLive(out);
    assert.match(out, /^`https:\/\/evil\.example\/x` &#91;ref&#93;&#91;1&#93;/);
  });

  test('raw HTML and HTML comments are text: no tag, no forgebot marker', () => {
    const out = safeText('<img src=x onerror=alert(1)> <script>x</script> <!-- forgebot:summary --> <!-- forgebot:finding:deadbeef -->');
    nothingLive(out);
    assert.doesNotMatch(out, /</);
    assert.doesNotMatch(renderHtml(out), /<img|<script|<!--/);
    assert.match(renderHtml(out), /&lt;img src=x onerror=alert\(1\)&gt;/, 'shown as written');
  });

  test('cross-references and GitLab quick actions are neutralized; a table cannot form', () => {
    const out = safeText('/merge\n  /approve\nsee #12, !3, &4 and group/project#5\n| a | b |\n|---|---|\n| `x | ![i](https://evil.example/t.png)` | y |');
    nothingLive(out);
    assert.doesNotMatch(out, /^[ \t]*\//m);
    assert.ok(!tokensOf(out).some((token) => token.type === 'table_open'));
  });

  test('code spans and fenced blocks stay code; a body can never carry its own suggestion', () => {
    const out = safeText('Use `foo()`.\n\n```suggestion:-0+0\nrm -rf /\n```\n\n~~~ts\nconst a: Array<string> = [];\n~~~\n```mermaid\nclick A "javascript:alert(1)"\n```');
    nothingLive(out);
    assert.deepEqual(liveParts(out).fences, ['text', 'ts', 'text']);
    assert.deepEqual(codeSpansOf(out), ['foo()']);
    assert.match(out, /const a: Array＜string＞ = \[\];/, 'code keeps its look; < and > become look-alikes');
  });

  test('an unclosed fence is closed: nothing after it is taken for code, nothing escapes it', () => {
    const out = safeText('text\n```\n[x](https://evil.example)');
    nothingLive(out);
    assert.equal(out, 'text\n```text\n[x]\u200B(https://evil.example)\n```');
  });

  test('a backslash cannot break out of the code span a URL is put in', () => {
    const out = safeText('see \\https://evil.example/a and \\[x](https://evil.example/b)');
    nothingLive(out);
  });

  test('invisible controls and bidirectional overrides are removed', () => {
    assert.equal(safeText('a\u202Eb\u0000c\u2066d\r\ne'), 'abcd\ne');
  });
});

describe('codeSpan, fence, safeCode, safeLine', () => {
  test('a file name with backticks stays one code span with exactly that name', () => {
    for (const name of ['src/we`ird.ts', '``x``', '` lead', 'trail `', ' both ', '   ']) {
      assert.deepEqual(codeSpansOf(codeSpan(name)), [name], name);
    }
    assert.deepEqual(codeSpansOf(`- ${safeCode('src/a`b<!-- forgebot:summary -->@all.ts')}:3`), ['src/a`b＜!-- forgebot:summary --＞@\u200Ball.ts']);
  });

  test('a fence is longer than any backtick run inside, so the text is exactly its content', () => {
    const text = 'a\n```\n````suggestion\nb';
    const [block] = tokensOf(fence(text, 'suggestion:-0+0')).filter((token) => token.type === 'fence');
    assert.equal(block?.content, `${text}\n`);
    assert.equal(block?.info, 'suggestion:-0+0');
    assert.match(safeFence('/merge\n@all <b>'), /^```text\n\u200B\/merge\n@\u200Ball ＜b＞\n```$/);
  });

  test('safeLine is one line; reading it back and rendering again gives the same line', () => {
    const title = 'Off <by> one & [x](https://e.example) in `a|b` for @all\nsecond';
    const line = safeLine(title);
    assert.doesNotMatch(line, /\n/);
    nothingLive(line);
    assert.equal(safeLine(fromSafeLine(line)), line);
  });
});
