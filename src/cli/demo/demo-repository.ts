import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { BADGE_JS, BADGE_PATH, BADGE_TEST, BADGE_TEST_PATH, DEMO_FORGEBOT_YML, HEADER_JS, HEADER_PATH } from '../../fakes/anthropic/demo-shop-bug.js';

const run = promisify(execFile);

const baseFiles: Record<string, string> = {
  'README.md': '# demo shop\n\nA tiny service the demo merge request changes.\n',
  'src/cart.ts': [
    'export interface Item {',
    '  sku: string;',
    '  price: number;',
    '  quantity: number;',
    '}',
    '',
    'export function total(items: Item[]): number {',
    '  return items.reduce((sum, item) => sum + item.price * item.quantity, 0);',
    '}',
    '',
  ].join('\n'),
  // The Sentry demo's production bug (a TypeError of a new session's cart), its passing test, and the declared test
  // command a fix is proven with.
  [BADGE_PATH]: BADGE_JS,
  [HEADER_PATH]: HEADER_JS,
  [BADGE_TEST_PATH]: BADGE_TEST,
  'package.json': `${JSON.stringify({ name: 'demo-shop', version: '1.0.0', private: true, scripts: { test: 'node --test' } }, null, 2)}\n`,
  '.forgebot.yml': DEMO_FORGEBOT_YML,
};

/** The merge request's changes: a few problems a reviewer should catch. */
const featureFiles: Record<string, string> = {
  'src/cart.ts': [
    'export interface Item {',
    '  sku: string;',
    '  price: number;',
    '  quantity: number;',
    '}',
    '',
    'export function total(items: Item[], discountCode?: string): number {',
    '  const sum = items.reduce((acc, item) => acc + item.price * item.quantity, 0);',
    "  if (discountCode == 'HALF') return sum / 2;",
    '  console.log("total", sum);',
    '  return sum;',
    '}',
    '',
  ].join('\n'),
  'src/admin.ts': [
    "const adminPassword = 'hunter2-admin';",
    '',
    'export function runReport(expression: string): unknown {',
    '  // TODO: restrict what reports can do',
    '  return eval(expression);',
    '}',
    '',
    'export function isAdmin(password: string): boolean {',
    '  return password === adminPassword;',
    '}',
    '',
  ].join('\n'),
};

async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('git', args, { cwd, timeout: 30_000 });
  return stdout.trim();
}

async function writeAll(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

export interface DemoRepository {
  dir: string;
  baseSha: string;
  headSha: string;
}

/** A real git repository with `main` and a `feature/discounts` branch carrying the demo MR's commits. */
export async function createDemoRepository(dir: string): Promise<DemoRepository> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await git(dir, 'init', '--quiet', '--initial-branch=main');
  await git(dir, 'config', 'user.email', 'demo@forgebot.invalid');
  await git(dir, 'config', 'user.name', 'forgebot demo');
  await git(dir, 'config', 'commit.gpgsign', 'false');
  await writeAll(dir, baseFiles);
  await git(dir, 'add', '--all');
  await git(dir, 'commit', '--quiet', '-m', 'Initial shop');
  const baseSha = await git(dir, 'rev-parse', 'HEAD');
  await git(dir, 'checkout', '--quiet', '-b', 'feature/discounts');
  await writeAll(dir, featureFiles);
  await git(dir, 'add', '--all');
  await git(dir, 'commit', '--quiet', '-m', 'Add discount codes and an admin report');
  const headSha = await git(dir, 'rev-parse', 'HEAD');
  await git(dir, 'checkout', '--quiet', 'main');
  return { dir, baseSha, headSha };
}
