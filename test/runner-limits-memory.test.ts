// Huge files cannot take the runner over its memory: the real runner, in a child process with a small heap.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gitDiff, parseDiffFiles } from '../src/agents/context/diff-files.js';
import { DiffSectionSplitter } from '../src/agents/context/diff-sections.js';
import { readDiffTool } from '../src/agents/context/diff-tool.js';
import { readDiffFiles } from '../src/agents/context/read-diff.js';
import { parseFramedResult } from '../src/agents/result-frame.js';
import { FakeAnthropic } from '../src/fakes/anthropic/fake-anthropic.js';
import { textOf, toolResultsOf, toolUse } from '../src/fakes/anthropic/messages.js';
import { featureRepo, TestRepo } from './helpers/git-repo.js';
import { reviewTask } from './helpers/review-task.js';

const API_KEY = 'sk-ant-test-key-0123456789';
const RUNNER = fileURLToPath(new URL('../src/agents/runner-main.ts', import.meta.url));
/** The runner's V8 heap in this test: a quarter of the sandbox's 1 GiB. */
const HEAP_MB = 256;

/** `lines` lines of 100 bytes each. */
const textOfSize = (lines: number, tag: string) => Array.from({ length: lines }, (_, index) => `${tag} ${String(index).padStart(9, '0')} ${'y'.repeat(100 - tag.length - 12)}`).join('\n') + '\n';

/** The peak resident set of a running process (VmHWM), or undefined once it is gone. */
async function peakRss(pid: number): Promise<number | undefined> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => undefined);
  const kb = status === undefined ? undefined : /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
  return kb === undefined ? undefined : Number(kb) * 1024;
}

/** Runs the runner on `task` with a small heap; its stdout, exit code, and the highest peak RSS seen while it ran. */
async function runRunner(task: unknown, modelUrl: string, workspace: string): Promise<{ stdout: string; stderr: string; code: number | null; peak: number }> {
  const child = spawn(process.execPath, [`--max-old-space-size=${HEAP_MB}`, '--import', import.meta.resolve('tsx'), RUNNER], {
    cwd: workspace,
    env: { PATH: process.env.PATH, HOME: workspace, FORGEBOT_TASK: JSON.stringify(task), ANTHROPIC_API_KEY: API_KEY, ANTHROPIC_BASE_URL: modelUrl, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk.slice(0, 10_000)));
  let peak = 0;
  const poll = setInterval(() => void peakRss(child.pid ?? 0).then((bytes) => (peak = Math.max(peak, bytes ?? 0))), 50);
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  clearInterval(poll);
  return { stdout, stderr, code, peak };
}

let repo: TestRepo;
let baseSha: string;
let headSha: string;
let model: FakeAnthropic;
let workspace: string;

before(async () => {
  repo = await TestRepo.create({ 'src/app.ts': 'export const a = 1;\n' });
  baseSha = await repo.git('rev-parse', 'HEAD');
  await repo.branch('feature');
  headSha = await repo.commit(
    {
      'src/app.ts': 'export const a = 2;\n',
      // 50 MB: larger than git may diff (its blob alone is over the limit) …
      'data/huge.txt': textOfSize(500_000, 'huge'),
      // … and 3 MB: git diffs it, but its diff is over the per-file limit.
      'data/large.txt': textOfSize(30_000, 'large'),
    },
    'a change with huge text files',
  );
  model = new FakeAnthropic({ apiKey: API_KEY });
  await model.start();
  workspace = await mkdtemp(join(tmpdir(), 'forgebot-ws-'));
});
after(async () => {
  await model.stop();
  await repo.remove();
  await rm(workspace, { recursive: true, force: true });
});

test('a change with a 50 MB text file: the runner (256 MB heap) completes, and lists the file as too large', { timeout: 180_000 }, async () => {
  model.script(
    { content: [toolUse('search_code', { pattern: 'huge 000000001' }), toolUse('read_file', { path: 'data/huge.txt', start_line: 1 })] },
    { content: [toolUse('submit_review', { summary: 'a changed; the data files were not reviewed.', findings: [] })] },
  );
  const start = model.requests.length;
  const run = await runRunner({ ...reviewTask(repo.dir, baseSha, headSha), changedPaths: ['src/app.ts', 'data/huge.txt', 'data/large.txt'] }, model.url, workspace);
  assert.equal(run.code, 0, `the runner failed: ${run.stderr.slice(0, 2_000)}`);
  const frame = parseFramedResult(run.stdout);
  assert.ok('result' in frame && frame.result.role === 'reviewer', JSON.stringify(frame).slice(0, 500));
  const review = frame.result.review;
  assert.equal(review.summary, 'a changed; the data files were not reviewed.');
  assert.equal(review.filesReviewed, 1);
  const reasons = Object.fromEntries((review.notReviewed ?? []).map((file) => [file.path, file.reason]));
  assert.match(reasons['data/huge.txt'] ?? '', /^too large to review: 50\.\d MB$/);
  assert.match(reasons['data/large.txt'] ?? '', /^too large to review: its diff is 3\.\d MB$/);
  assert.ok(review.notices?.some((notice) => /2 changed files were too large to review \(data\/large\.txt, data\/huge\.txt\)/.test(notice)), JSON.stringify(review.notices));

  const brief = textOf(model.requests[start]!.messages[0]!.content);
  assert.ok(brief.length < 20_000, `the brief has ${brief.length} characters`);
  assert.match(brief, /\+export const a = 2;/);
  const [search, read] = toolResultsOf(model.requests[start + 1]!.messages.at(-1));
  assert.match(search?.content ?? '', /^data\/huge\.txt:2:huge 000000001 y+$/);
  assert.match(read?.content ?? '', /^file is 50000000 bytes: too large to read$/);
  // Node, tsx and the SDK take about 130 MB here; reading the 50 MB diff whole (before) peaked at about 440 MB.
  assert.ok(run.peak > 0 && run.peak < 320 * 1024 * 1024, `peak RSS ${Math.round(run.peak / 1024 / 1024)} MB`);
  assert.deepEqual(model.errors, []);
});

test('the bounded diff reader: the same files as a whole git diff, and each limit listed with its reason', { timeout: 60_000 }, async () => {
  const feature = await featureRepo(3);
  try {
    const range = `${feature.baseSha}...${feature.headSha}`;
    const whole = await gitDiff(feature.repo.dir, range, 3);
    assert.deepEqual(await readDiffFiles(feature.repo.dir, range, 3), parseDiffFiles(whole), 'renames, deletions and additions as before');
    // Sections split the same whatever the chunks git's output arrives in.
    const splitter = new DiffSectionSplitter({ maxFileBytes: 1_000_000, maxTotalBytes: 10_000_000 });
    const bytes = Buffer.from(whole);
    for (let offset = 0; offset < bytes.length; offset += 7) splitter.push(bytes.subarray(offset, offset + 7));
    const sections = splitter.end();
    assert.equal(sections.length, parseDiffFiles(whole).length);
    assert.equal(sections.map((section) => section.text).join(''), whole);
  } finally {
    await feature.repo.remove();
  }
  const files = await readDiffFiles(repo.dir, `${baseSha}...${headSha}`, 3, { maxBlobBytes: 60_000_000, maxFileDiffBytes: 4_000_000, maxDiffBytes: 1_000_000 });
  const byPath = Object.fromEntries(files.map((file) => [file.newPath, file]));
  assert.deepEqual(Object.keys(byPath).sort(), ['data/huge.txt', 'data/large.txt', 'src/app.ts']);
  assert.equal(byPath['data/huge.txt']?.tooLarge, 'too large to review: its diff is 50.5 MB');
  assert.equal(byPath['data/large.txt']?.tooLarge, "too large to review: the change's diff passed 1.0 MB before this file");
  assert.deepEqual([byPath['data/large.txt']?.status, byPath['data/large.txt']?.hunks], ['added', '']);
  assert.equal(byPath['src/app.ts']?.tooLarge, undefined);
  assert.match(byPath['src/app.ts']?.text ?? '', /^diff --git a\/src\/app\.ts b\/src\/app\.ts\nindex /, 'the section after one past a limit is whole');
  assert.match(byPath['src/app.ts']?.hunks ?? '', /^@@ -1 \+1 @@\n-export const a = 1;\n\+export const a = 2;$/);
  assert.equal(await readDiffTool(files).run({ path: 'data/huge.txt' }), "data/huge.txt is not reviewed: too large to review: its diff is 50.5 MB");
});
