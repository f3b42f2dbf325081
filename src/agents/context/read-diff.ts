import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { gitEnvironment } from '../checkout.js';
import { DiffSectionSplitter, type DiffSection } from './diff-sections.js';
import { parseDiffSection, type DiffFile } from './diff-files.js';

const run = promisify(execFile);
const GIT_TIMEOUT_MS = 60_000;

export interface DiffLimits {
  /** A file whose old or new version is larger is not diffed at all (git would load both whole). */
  maxBlobBytes: number;
  /** A file whose diff is larger is not reviewed (its header is kept: it is listed). */
  maxFileDiffBytes: number;
  /** Diff text kept in all; the files past it are listed, not reviewed. */
  maxDiffBytes: number;
}

/**
 * What the runner holds of a diff. The model reads at most a batch of 50k tokens (~200 KB) at a time, so a file
 * whose diff is over 1 MB could not be reviewed whole anyway; 20 MB of diff text is thousands of ordinary files.
 */
export const DIFF_LIMITS: DiffLimits = { maxBlobBytes: 20_000_000, maxFileDiffBytes: 1_000_000, maxDiffBytes: 20_000_000 };
/** More excluded paths than this would not fit a command line; 1,000 files of over 20 MB is no real repository. */
const MAX_EXCLUDED = 1_000;
const ZERO_SHA = /^0+$/;

interface RawChange {
  status: DiffFile['status'];
  oldPath: string;
  newPath: string;
  shas: string[];
}

const megabytes = (bytes: number) => `${(bytes / 1_000_000).toFixed(1)} MB`;
const git = (dir: string, args: string[], maxBuffer: number) =>
  run('git', ['-c', 'core.quotePath=false', ...args], { cwd: dir, env: gitEnvironment(process.env, undefined), timeout: GIT_TIMEOUT_MS, maxBuffer });

/** The files a range changes, with their blob ids (`git diff --raw -z`: a few dozen bytes a file). */
async function rawChanges(dir: string, range: string): Promise<RawChange[]> {
  const { stdout } = await git(dir, ['diff', '--raw', '-z', '-M', '--no-abbrev', '--no-ext-diff', '--no-textconv', range], 64 * 1024 * 1024);
  const tokens = stdout.split('\0');
  const changes: RawChange[] = [];
  for (let index = 0; index < tokens.length; index++) {
    const meta = tokens[index] ?? '';
    if (!meta.startsWith(':')) continue;
    const [oldMode, newMode, oldSha = '', newSha = '', letter = ''] = meta.slice(1).split(' ');
    const oldPath = tokens[++index] ?? '';
    const newPath = letter.startsWith('R') || letter.startsWith('C') ? (tokens[++index] ?? '') : oldPath;
    const status = letter.startsWith('A') || letter.startsWith('C') ? 'added' : letter.startsWith('D') ? 'deleted' : letter.startsWith('R') ? 'renamed' : 'modified';
    // Submodules (mode 160000) point at commits of another repository: nothing to size here.
    const shas = [[oldMode, oldSha], [newMode, newSha]].filter(([mode, sha]) => mode !== '160000' && sha && !ZERO_SHA.test(sha)).map(([, sha]) => sha ?? '');
    changes.push({ status, oldPath, newPath, shas });
  }
  return changes;
}

/** Blob sizes by id (`git cat-file --batch-check`, fed on stdin). */
async function blobSizes(dir: string, shas: readonly string[]): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  if (shas.length === 0) return sizes;
  const child = spawn('git', ['cat-file', '--batch-check'], { cwd: dir, env: gitEnvironment(process.env, undefined), timeout: GIT_TIMEOUT_MS, stdio: ['pipe', 'pipe', 'ignore'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stdin.end(`${[...new Set(shas)].join('\n')}\n`);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0) throw new Error(`git cat-file --batch-check exited with code ${code}`);
  for (const line of output.split('\n')) {
    const [sha, type, size] = line.split(' ');
    if (sha && type === 'blob') sizes.set(sha, Number(size));
  }
  return sizes;
}

/** `git diff` read as a stream and split into sections within the limits (see DiffSectionSplitter). */
async function diffSections(dir: string, args: string[], limits: DiffLimits): Promise<DiffSection[]> {
  const child = spawn('git', ['-c', 'core.quotePath=false', ...args], { cwd: dir, env: gitEnvironment(process.env, undefined), timeout: GIT_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'pipe'] });
  const splitter = new DiffSectionSplitter({ maxFileBytes: limits.maxFileDiffBytes, maxTotalBytes: limits.maxDiffBytes });
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => splitter.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < 2_000) stderr += chunk.toString('utf8');
  });
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  if (exit.code !== 0) throw new Error(`git diff failed (${exit.signal ?? `code ${exit.code}`}): ${stderr.trim().slice(0, 500)}`);
  return splitter.end();
}

function sectionFile(section: DiffSection, limits: DiffLimits): DiffFile {
  const text = section.text.replace(/\n$/, '');
  const file = parseDiffSection(text);
  if (!section.over) return file;
  const tooLarge = section.over === 'file' ? `too large to review: its diff is ${megabytes(section.bytes)}` : `too large to review: the change's diff passed ${megabytes(limits.maxDiffBytes)} before this file`;
  return { ...file, text: `${text}\n(diff not shown: ${tooLarge})`, hunks: '', added: 0, removed: 0, tooLarge };
}

function hugeFile(change: RawChange, bytes: number): DiffFile {
  const tooLarge = `too large to review: ${megabytes(bytes)}`;
  const newPath = change.status === 'deleted' ? change.oldPath : change.newPath;
  const text = `diff --git a/${change.oldPath} b/${newPath}\n(diff not shown: ${tooLarge})`;
  return { oldPath: change.oldPath, newPath, status: change.status, binary: false, text, hunks: '', added: 0, removed: 0, tooLarge };
}

/**
 * The files a range (`base...head`, `last..head`) changes, with `context` lines around each change, in bounded
 * memory: files whose old or new version is over `maxBlobBytes` are left out of `git diff` (git never loads
 * them), the rest is read as a stream, and a file past the per-file or total limit keeps only its header. Each
 * file left out is still listed, marked `tooLarge` with its reason.
 */
export async function readDiffFiles(dir: string, range: string, context: number, limits: DiffLimits = DIFF_LIMITS): Promise<DiffFile[]> {
  const changes = await rawChanges(dir, range);
  const sizes = await blobSizes(dir, changes.flatMap((change) => change.shas));
  const largest = (change: RawChange) => Math.max(0, ...change.shas.map((sha) => sizes.get(sha) ?? 0));
  const huge = changes.filter((change) => largest(change) > limits.maxBlobBytes).slice(0, MAX_EXCLUDED);
  const excluded = [...new Set(huge.flatMap((change) => [change.oldPath, change.newPath]))].map((path) => `:(top,literal,exclude)${path}`);
  const args = ['diff', '--no-color', '--no-ext-diff', '--no-textconv', '-M', `-U${context}`, range, '--', ...excluded];
  const sections = await diffSections(dir, args, limits);
  return [...sections.map((section) => sectionFile(section, limits)), ...huge.map((change) => hugeFile(change, largest(change)))];
}
