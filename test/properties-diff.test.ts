// Properties of diff positions (domain/diff-position.ts) and diff parsing (agents/context/diff-files.ts, read-diff.ts)
// on real `git diff` output: random files, random edits, committed in a real repository, diffed with random context.
// The oracle is git itself (hunk headers, --name-status, --numstat) and the two file versions the test wrote.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { gitDiff, parseDiffFiles, parseDiffSection, type DiffFile } from '../src/agents/context/diff-files.js';
import { unquoteGitPath } from '../src/agents/context/git-path.js';
import { readDiffFiles } from '../src/agents/context/read-diff.js';
import { positionInDiff, type DiffPosition } from '../src/domain/diff-position.js';
import type { Side } from '../src/domain/finding.js';
import { TestRepo } from './helpers/git-repo.js';

const run = promisify(execFile);

/** Lines that look like diff syntax, blank lines, a CR, and a few ordinary ones (repeated, so that git must choose). */
const TRICKY = ['', ' ', '}', 'return x;', '+x', '-x', '--- a/f.txt', '+++ b/f.txt', '@@ -1 +1 @@', '\\ No newline at end of file', 'diff --git a/f b/f', 'x\r', '\t'];
const line = fc.oneof(fc.constantFrom(...TRICKY), fc.string({ unit: fc.constantFrom('a', 'b', ' ', '{', 'é', '-', '+'), maxLength: 6 }), fc.string({ maxLength: 12 }).map((text) => text.replace(/[\n\0]/g, '')));
const lines = fc.array(line, { maxLength: 30 });
/** An edit: at a position, remove some lines and insert others. */
const edit = fc.record({ at: fc.nat(), remove: fc.nat({ max: 4 }), insert: fc.array(line, { maxLength: 4 }) });
const content = (body: string[], finalNewline: boolean) => (body.length === 0 ? '' : `${body.join('\n')}${finalNewline ? '\n' : ''}`);

function applyEdits(body: string[], edits: { at: number; remove: number; insert: string[] }[]): string[] {
  const result = [...body];
  for (const { at, remove, insert } of edits) result.splice(at % (result.length + 1), remove, ...insert);
  return result;
}

type Change = 'modify' | 'add' | 'delete' | 'rename';
const fileSpec = fc.record({
  change: fc.constantFrom<Change>('modify', 'modify', 'add', 'delete', 'rename'),
  body: lines,
  edits: fc.array(edit, { maxLength: 5 }),
  oldNewline: fc.boolean(),
  newNewline: fc.boolean(),
});
type FileSpec = typeof fileSpec extends fc.Arbitrary<infer T> ? T : never;

/** File names with spaces, dots, dashes, non-ASCII letters and quotes (git writes some of them quoted or tab-ended). */
const name = fc.string({ unit: fc.constantFrom('a', 'b', 'z', '0', ' ', '_', '-', '.', 'é', '"'), minLength: 1, maxLength: 8 });
const diffCase = fc.record({
  files: fc.uniqueArray(fc.tuple(name, fileSpec), { minLength: 1, maxLength: 4, selector: ([fileName]) => fileName }),
  context: fc.integer({ min: 0, max: 4 }),
});

/** Each path and its content, before and after. */
function versions(files: [string, FileSpec][]) {
  const old = new Map<string, string>();
  const next = new Map<string, string>();
  files.forEach(([fileName, spec], index) => {
    const path = `d${index % 2}/${fileName}.txt`;
    const edited = content(applyEdits(spec.body, spec.edits), spec.newNewline);
    if (spec.change !== 'add') old.set(path, content(spec.body, spec.oldNewline));
    if (spec.change === 'modify' || spec.change === 'add') next.set(path, edited);
    if (spec.change === 'rename') next.set(`moved/${fileName}.txt`, spec.edits.length > 1 ? edited : content(spec.body, spec.oldNewline));
  });
  return { old, next };
}

/** The lines of a file as git numbers them (a last line without a newline is still a line). */
const linesOf = (text: string | undefined) => (text === undefined || text === '' ? [] : text.replace(/\n$/, '').split('\n'));

/** Each hunk's ranges, read from its header: [start, count] on the old and on the new side. */
function hunkRanges(hunks: string): { old: [number, number]; new: [number, number] }[] {
  return [...hunks.matchAll(/^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/gm)].map((match) => ({
    old: [Number(match[1]), match[2] === undefined ? 1 : Number(match[2])],
    new: [Number(match[3]), match[4] === undefined ? 1 : Number(match[4])],
  }));
}

/** Checks every line of both versions against positionInDiff; returns the lines the diff adds and removes. */
function checkPositions(file: DiffFile, oldLines: string[], newLines: string[]): { added: number[]; removed: number[] } {
  const ranges = hunkRanges(file.hunks);
  const shown = (side: Side, at: number) => ranges.some((range) => at >= range[side][0] && at < range[side][0] + range[side][1]);
  const only = { new: [] as number[], old: [] as number[] };
  for (const side of ['new', 'old'] as const) {
    const here = side === 'new' ? newLines : oldLines;
    const there = side === 'new' ? oldLines : newLines;
    for (let at = -1; at <= here.length + 2; at++) {
      const position: DiffPosition | undefined = positionInDiff(file.hunks, at, side);
      const where = `${file.newPath} ${side} line ${at}`;
      if (!shown(side, at)) {
        assert.equal(position, undefined, `${where} is outside every hunk`);
        continue;
      }
      assert.ok(position, `${where} is in a hunk`);
      assert.equal(side === 'new' ? position.newLine : position.oldLine, at, where);
      const other = side === 'new' ? position.oldLine : position.newLine;
      if (other === undefined) {
        only[side].push(at);
        assert.ok(file.hunks.split('\n').includes(`${side === 'new' ? '+' : '-'}${here[at - 1]}`), `${where}: the hunk shows it ${side === 'new' ? 'added' : 'removed'}`);
      } else {
        assert.equal(there[other - 1], here[at - 1], `${where}: a context line has the same text on both sides`);
        assert.deepEqual(positionInDiff(file.hunks, other, side === 'new' ? 'old' : 'new'), position, `${where}: the same position from the other side`);
      }
    }
  }
  // The diff is an edit script: the old version without its removed lines is the new one without its added lines.
  const keep = (all: string[], dropped: number[]) => all.filter((_, index) => !dropped.includes(index + 1));
  assert.deepEqual(keep(oldLines, only.old), keep(newLines, only.new), `${file.newPath}: unchanged lines line up`);
  return { added: only.new, removed: only.old };
}

type Expected = { status: DiffFile['status']; oldPath: string; newPath: string; added: number; removed: number };

/** What git says the range changes (`--raw --numstat -z`: never quoted; a rename's paths follow in two fields). */
async function gitSays(repo: TestRepo, range: string): Promise<Expected[]> {
  const tokens = (await repo.git('diff', '--raw', '--numstat', '-z', '-M', range)).split('\0');
  const raw: Omit<Expected, 'added' | 'removed'>[] = [];
  let index = 0;
  while (tokens[index]?.startsWith(':')) {
    const letter = tokens[index++]?.split(' ')[4] ?? '';
    const oldPath = tokens[index++] ?? '';
    const newPath = letter.startsWith('R') ? (tokens[index++] ?? '') : oldPath;
    raw.push({ status: letter === 'A' ? 'added' : letter === 'D' ? 'deleted' : letter.startsWith('R') ? 'renamed' : 'modified', oldPath, newPath });
  }
  const expected = raw.map((change) => {
    const [added = '', removed = '', path = ''] = (tokens[index++] ?? '').split('\t');
    if (path === '') index += 2;
    return { ...change, added: Number(added), removed: Number(removed) };
  });
  return expected.sort((a, b) => a.newPath.localeCompare(b.newPath));
}

/** Writes exactly these files as the repository's work tree and returns the tree git stores for them. */
async function writeTree(repo: TestRepo, files: Map<string, string>): Promise<string> {
  for (const entry of await readdir(repo.dir)) if (entry !== '.git') await rm(join(repo.dir, entry), { recursive: true, force: true });
  for (const [path, text] of files) {
    await mkdir(dirname(join(repo.dir, path)), { recursive: true });
    await writeFile(join(repo.dir, path), text);
  }
  // One process for both steps: a case runs several git commands, and starting them is most of its time.
  const { stdout } = await run('sh', ['-c', 'git add --all && git write-tree'], { cwd: repo.dir, timeout: 30_000 });
  return stdout.trim();
}

describe('diff position properties (real git diffs)', () => {
  let repo: TestRepo;
  before(async () => {
    repo = await TestRepo.create({ 'README.md': 'start\n' });
  });
  after(async () => {
    await repo?.remove();
  });

  test('every line in a hunk has its position, every other line none; parsed files agree with git', async () => {
    await fc.assert(
      fc.asyncProperty(diffCase, async ({ files, context }) => {
        const { old, next } = versions(files);
        const range = `${await writeTree(repo, old)}..${await writeTree(repo, next)}`;
        const diff = await gitDiff(repo.dir, range, context);
        const parsed = parseDiffFiles(diff);
        const summary = (file: DiffFile): Expected => ({ status: file.status, oldPath: file.oldPath, newPath: file.newPath, added: file.added, removed: file.removed });
        assert.deepEqual(parsed.map(summary).sort((a, b) => a.newPath.localeCompare(b.newPath)), await gitSays(repo, range), diff);
        for (const file of parsed) {
          const oldLines = file.status === 'added' ? [] : linesOf(old.get(file.oldPath));
          const newLines = file.status === 'deleted' ? [] : linesOf(next.get(file.newPath));
          const { added, removed } = checkPositions(file, oldLines, newLines);
          assert.deepEqual([added.length, removed.length], [file.added, file.removed], `${file.newPath}: counted lines`);
        }
        // The runner's bounded reader parses the same sections the same way.
        assert.deepEqual(await readDiffFiles(repo.dir, range, context), parsed);
      }),
      { numRuns: 100 },
    );
  });
});

// Found by the property above: git ends a `---`/`+++` line with a tab when the path holds a space, and C-quotes a path
// that holds a quote, a backslash or a control character; both were taken into the path as they were written.
describe('diff file paths as git writes them (regressions)', () => {
  test('a path with a space, a quote, or both, and an empty new file with a quote in its name', async () => {
    const repo = await TestRepo.create({ 'my file.txt': 'a\nb\n', 'q"uote.txt': 'x\n', 'both "q" s.txt': '1\n' });
    try {
      await repo.commit({ 'my file.txt': 'a\nc\n', 'q"uote.txt': 'y\n', 'both "q" s.txt': null, 'new "empty".txt': '' }, 'change');
      const files = parseDiffFiles(await gitDiff(repo.dir, 'HEAD~1..HEAD', 3));
      assert.deepEqual(
        files.map((file) => [file.status, file.oldPath, file.newPath]).sort(),
        [['added', 'new "empty".txt', 'new "empty".txt'], ['deleted', 'both "q" s.txt', 'both "q" s.txt'], ['modified', 'my file.txt', 'my file.txt'], ['modified', 'q"uote.txt', 'q"uote.txt']],
      );
    } finally {
      await repo.remove();
    }
  });

  test('octal escapes (core.quotePath on) decode to the UTF-8 path', () => {
    assert.equal(unquoteGitPath(String.raw`"a/caf\303\251 \"x\"\\\t.txt"`), 'a/café "x"\\\t.txt');
    assert.equal(parseDiffSection(String.raw`diff --git "a/caf\303\251" "b/caf\303\251"` + '\nnew file mode 100644\nindex 0000000..e69de29').newPath, 'café');
    assert.equal(unquoteGitPath('plain name'), 'plain name');
  });
});
