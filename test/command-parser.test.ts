// The command parser (src/domain/command-parser.ts): examples, then properties for any note (fast-check): a command line
// anywhere is found, the first wins, and a command a reader sees as code, quotation or a hidden comment never is one.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CommandVerb, ParsedCommand } from '../src/domain/change-command.js';
import { COMMAND_TRIGGER_PATTERN, DEFAULT_COMMAND_TRIGGER, parseCommand, unknownVerbOf } from '../src/domain/command-parser.js';

const RUNS = { numRuns: 1_000 };

describe('parseCommand: examples', () => {
  const cases: [string, string, ParsedCommand | undefined][] = [
    ['a bare command', '/claude review', { verb: 'review', argument: '' }],
    ['an argument', '/claude review full', { verb: 'review', argument: 'full' }],
    ['on a line of its own, anywhere', 'Thanks!\n\n/claude explain src/a.ts:3-9\nand more text', { verb: 'explain', argument: 'src/a.ts:3-9' }],
    ['trigger and verb in any case', '/CLAUDE Review Full', { verb: 'review', argument: 'Full' }],
    ['the trigger alone asks for help', 'hm\n/claude\n', { verb: 'help', argument: '' }],
    ['an unknown verb asks for help, naming the word', '/claude revew full', { verb: 'help', argument: 'unknown: revew' }],
    ['trailing punctuation after the verb', '/claude pause.', { verb: 'pause', argument: '' }],
    ['spaces trimmed around the argument', '  /claude reject   not ready, see the tests   ', { verb: 'reject', argument: 'not ready, see the tests' }],
    ['CRLF line ends', 'hi\r\n/claude approve\r\n', { verb: 'approve', argument: '' }],
    ['learn: the rest of the line is its text', 'Good point.\n/claude learn We log raw SQL in dev on purpose.\nthanks', { verb: 'learn', argument: 'We log raw SQL in dev on purpose.' }],
    ['learn accept: the id is the argument', '/claude Learn accept l-0a1b2c3d4e', { verb: 'learn', argument: 'accept l-0a1b2c3d4e' }],
    ['the first command wins', '/claude pause\n/claude resume', { verb: 'pause', argument: '' }],
    ['a fenced command does not hide the next one', '```\n/claude approve\n```\n/claude help', { verb: 'help', argument: '' }],
    ['an inline-code span on the line before closes there', 'run `x`\n/claude review', { verb: 'review', argument: '' }],
    ['not inside a sentence', 'please /claude review this', undefined],
    ['not in inline code', '`/claude review`', undefined],
    ['not in inline code spanning lines', 'see `this\n/claude approve\nthat` here', undefined],
    ['not in a backtick fence', 'text\n```bash\n/claude approve\n```', undefined],
    ['not in a tilde fence holding a backtick one', '~~~~\n```\n/claude approve\n~~~~', undefined],
    ['not in an unclosed fence', '```\n/claude approve', undefined],
    ['not in a quote', '> /claude approve', undefined],
    ['not in a nested quote', '>> /claude approve', undefined],
    ["not in GitLab's >>> quote block", '>>>\nhe said\n/claude approve\n>>>', undefined],
    ['not in an HTML comment', '<!-- /claude approve -->', undefined],
    ['not in a multi-line HTML comment', '<!--\n/claude approve\n-->', undefined],
    ['not in indented code', 'look:\n\n    /claude approve', undefined],
    ['not a longer word', '/claudereview', undefined],
    ['not another trigger', '/codex review', undefined],
    ['no command at all', 'This MR needs work.', undefined],
  ];
  for (const [name, text, expected] of cases) {
    test(name, () => assert.deepEqual(parseCommand(text), expected, JSON.stringify(text)));
  }

  test('a configured trigger replaces /claude', () => {
    assert.deepEqual(parseCommand('@forgebot review full', '@forgebot'), { verb: 'review', argument: 'full' });
    assert.equal(parseCommand('/claude review', '@forgebot'), undefined);
    // Regex characters in a trigger are literal.
    assert.equal(parseCommand('/claudeXreview', '/claude.'), undefined);
    assert.deepEqual(parseCommand('/claude. review', '/claude.'), { verb: 'review', argument: '' });
  });

  test('unknownVerbOf names the unknown word only', () => {
    assert.equal(unknownVerbOf(parseCommand('/claude fix-it now')!), 'fix-it');
    assert.equal(unknownVerbOf(parseCommand('/claude help review')!), undefined);
    assert.equal(unknownVerbOf(parseCommand('/claude review')!), undefined);
  });

  test('a long argument is cut to the schema limit, never inside a surrogate pair', () => {
    const long = parseCommand(`/claude reject ${'x'.repeat(1_999)}😀😀`)!;
    assert.equal(long.argument.length, 1_999);
    assert.ok(ParsedCommand.safeParse(long).success);
    assert.equal(parseCommand(`/claude ${'y'.repeat(500)}`)!.argument, `unknown: ${'y'.repeat(50)}`);
  });

  test('the trigger setting refuses words Markdown would read as something else', () => {
    for (const good of [DEFAULT_COMMAND_TRIGGER, '@forgebot', '!bot', 'forgebot', '/ai.review']) assert.ok(COMMAND_TRIGGER_PATTERN.test(good), good);
    for (const bad of ['', '> claude', '`claude', '# claude', '- claude', '/clau de', '~~~']) assert.ok(!COMMAND_TRIGGER_PATTERN.test(bad), bad);
  });
});

/** Text that opens no fence, quote, comment or code span, and holds no trigger: letters, digits, spaces, punctuation. */
const plainUnit = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:;!?()[]{}-_=+*#/@\'"');
const plainLine = fc.string({ unit: plainUnit, maxLength: 30 }).filter((line) => !/^\s*[/@!]/.test(line));
const plainLines = fc.array(plainLine, { maxLength: 5 });
const verbArb = fc.constantFrom(...CommandVerb.options);
const argumentArb = fc.string({ unit: plainUnit, maxLength: 40 }).map((text) => text.trim());
const randomCase = (word: string) => fc.array(fc.boolean(), { minLength: word.length, maxLength: word.length }).map((upper) => [...word].map((char, index) => (upper[index] ? char.toUpperCase() : char.toLowerCase())).join(''));
const triggerArb = fc.oneof(fc.constant(DEFAULT_COMMAND_TRIGGER), fc.stringMatching(/^[/@!][a-z][a-z0-9_.-]{0,10}$/));
const commandLine = (trigger: string, verb: string, argument: string) => `${trigger} ${verb}${argument === '' ? '' : ` ${argument}`}`;
const lines = (...parts: (string | string[])[]) => parts.flat().join('\n');

/**
 * Wrappings that make a command line code, quotation or hidden text, each with what ends it when it is left open
 * (an unclosed HTML comment) so that a later command counts again.
 */
type Hiding = { wrap: (line: string) => string; end: string };
const hidden = (wrap: (line: string) => string, end = ''): Hiding => ({ wrap, end });
const hiding = fc.oneof(
  fc.tuple(fc.constantFrom('```', '````', '~~~', '~~~~~'), fc.constantFrom('', 'bash', 'text')).map(([fence, info]) => hidden((line) => lines(`${fence}${info}`, line, fence))),
  fc.constantFrom('> ', '>', '  > ', '>> ', '> > ').map((marker) => hidden((line) => `${marker}${line}`)),
  fc.constant(hidden((line) => lines('>>>', line, '>>>'))),
  fc.constant(hidden((line) => `\`${line}\``)),
  fc.constant(hidden((line) => `\`\`${line}\`\``)),
  fc.constant(hidden((line) => lines('see `the', line, 'above` now'))),
  fc.constant(hidden((line) => lines('<!--', line, '-->'))),
  fc.constant(hidden((line) => `<!-- ${line}`, '-->')),
  fc.constant(hidden((line) => lines('', `    ${line}`))),
  fc.constant(hidden((line) => `text ${line}`)),
);

describe('parseCommand: properties', () => {
  test('any text: never throws; a result is a valid ParsedCommand whose argument is one line', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.array(fc.oneof(fc.string(), fc.constantFrom('/claude', '```', '>>>', '> ', '<!--', '-->', '`', '\n')), { maxLength: 12 }).map((parts) => parts.join(''))), (text) => {
        const parsed = parseCommand(text);
        if (parsed === undefined) return;
        assert.ok(ParsedCommand.safeParse(parsed).success, JSON.stringify(parsed));
        assert.ok(!/[\r\n]/.test(parsed.argument));
      }),
      RUNS,
    );
  });

  test('a command line anywhere among plain lines is found with its verb (any case) and argument', () => {
    fc.assert(
      fc.property(triggerArb, verbArb.chain((verb) => fc.tuple(fc.constant(verb), randomCase(verb))), argumentArb, plainLines, plainLines, (trigger, [verb, written], argument, before, after) => {
        const text = lines(before, commandLine(trigger, written, argument), after);
        assert.deepEqual(parseCommand(text, trigger), { verb, argument }, JSON.stringify(text));
      }),
      RUNS,
    );
  });

  test('the first command wins', () => {
    fc.assert(
      fc.property(verbArb, argumentArb, verbArb, argumentArb, plainLines, plainLines, (first, firstArgument, second, secondArgument, before, between) => {
        const text = lines(before, commandLine('/claude', first, firstArgument), between, commandLine('/claude', second, secondArgument));
        assert.deepEqual(parseCommand(text), { verb: first, argument: firstArgument });
      }),
      RUNS,
    );
  });

  test('a command as code, quotation or hidden text is none, and does not hide a later one', () => {
    fc.assert(
      fc.property(hiding, verbArb, argumentArb, plainLines, verbArb, argumentArb, (hide, verb, argument, before, later, laterArgument) => {
        const text = lines(before, hide.wrap(commandLine('/claude', verb, argument)));
        assert.equal(parseCommand(text), undefined, JSON.stringify(text));
        const then = lines(text, hide.end, '', commandLine('/claude', later, laterArgument));
        assert.deepEqual(parseCommand(then), { verb: later, argument: laterArgument }, JSON.stringify(then));
      }),
      RUNS,
    );
  });

  test('an unknown verb is help naming the word; the verbs are exactly the known ones', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z][a-z-]{0,20}$/), argumentArb, (word, argument) => {
        const parsed = parseCommand(commandLine('/claude', word, argument));
        if (CommandVerb.safeParse(word).success) assert.deepEqual(parsed, { verb: word, argument });
        else {
          assert.deepEqual(parsed, { verb: 'help', argument: `unknown: ${word}` });
          assert.equal(unknownVerbOf(parsed!), word);
        }
      }),
      RUNS,
    );
  });
});
