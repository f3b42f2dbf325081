import express, { type Request, type Response, type Router } from 'express';
import { example } from './examples.js';
import { compareAndSwapRef, gitWith, identityEnv, objectType, writeTree, type TreeChange } from './git-objects.js';
import { fail, jsonBody, withRepo } from './route-helpers.js';
import { gitCommitJson, gitRefJson, gitTreeJson } from './git-serialize.js';
import type { FakeGitHubState, FakeRepository } from './state.js';

const read = { name: 'contents', write: false } as const;
const write = { name: 'contents', write: true } as const;
const MODES = new Set(['100644', '100755', '040000', '160000', '120000']);
const isSha = (value: unknown): value is string => typeof value === 'string' && /^[0-9a-f]{40}$/.test(value);
/** `*ref` of an Express 5 wildcard: the segments (octokit sends `heads%2Fname`, one decoded segment) joined again. */
export const refParam = (req: Request) => `refs/${(req.params.ref as unknown as string[]).join('/')}`;
const validPath = (path: unknown): path is string => typeof path === 'string' && path !== '' && path.split('/').every((part) => part !== '' && part !== '.' && part !== '..' && part !== '.git');

async function refSha(repo: FakeRepository, ref: string): Promise<string | undefined> {
  if (!ref.startsWith('refs/') || ref.includes('..') || /\s/.test(ref)) return undefined;
  return gitWith(repo.repoDir, ['rev-parse', '--verify', '--quiet', ref]).then((sha) => sha.trim() || undefined, () => undefined);
}

/** A write GitHub's branch protection refuses: a protected branch changes only through a pull request. */
function refusedByProtection(state: FakeGitHubState, repo: FakeRepository, ref: string, res: Response, deleting: boolean): boolean {
  const branch = ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined;
  if (branch === undefined || !state.isProtected(repo, branch)) return false;
  fail(res, 422, deleting ? 'Cannot delete this protected branch' : `Protected branch update failed for ${ref}.`);
  return true;
}

/**
 * The Git data API on the fake's real repositories: refs (read, create, fast-forward or forced update, delete), blobs,
 * trees (on a base tree; `sha: null` deletes) and commits, written with git plumbing (hash-object -w, a temporary
 * index + write-tree, commit-tree, update-ref with the old value so concurrent writers cannot both win).
 */
export function gitDataRoutes(state: FakeGitHubState, apiUrl: () => string): Router {
  const router = express.Router();

  router.get(
    '/repos/:owner/:repo/git/ref/*ref',
    withRepo(state, read, async ({ repo }, req, res) => {
      const ref = refParam(req);
      const sha = await refSha(repo, ref);
      if (!sha) return fail(res, 404, 'Not Found');
      res.json(gitRefJson(repo, ref, sha, apiUrl()));
    }),
  );

  router.post(
    '/repos/:owner/:repo/git/refs',
    withRepo(state, write, async ({ repo }, req, res) => {
      const body = jsonBody(req);
      if (!body) return fail(res, 400, 'Problems parsing JSON');
      const { ref, sha } = body;
      if (typeof ref !== 'string' || !/^refs\/[^/]+\/.+/.test(ref)) return fail(res, 422, 'Reference name is invalid');
      const validName = await gitWith(repo.repoDir, ['check-ref-format', ref]).then(() => true, () => false);
      if (!validName) return fail(res, 422, 'Reference name is invalid');
      if (!isSha(sha) || !(await objectType(repo.repoDir, sha))) return fail(res, 422, 'Object does not exist');
      if (refusedByProtection(state, repo, ref, res, false)) return;
      if (!(await compareAndSwapRef(repo.repoDir, ref, sha, ''))) return fail(res, 422, 'Reference already exists');
      res.status(201).json(gitRefJson(repo, ref, sha, apiUrl()));
    }),
  );

  router.patch(
    '/repos/:owner/:repo/git/refs/*ref',
    withRepo(state, write, async ({ repo }, req, res) => {
      const body = jsonBody(req);
      if (!body) return fail(res, 400, 'Problems parsing JSON');
      const ref = refParam(req);
      const current = await refSha(repo, ref);
      if (!current) return fail(res, 422, 'Reference does not exist');
      if (!isSha(body.sha) || (await objectType(repo.repoDir, body.sha)) !== 'commit') return fail(res, 422, 'Object does not exist');
      if (refusedByProtection(state, repo, ref, res, false)) return;
      const fastForward = await gitWith(repo.repoDir, ['merge-base', '--is-ancestor', current, body.sha]).then(() => true, () => false);
      if (!fastForward && body.force !== true) return fail(res, 422, 'Update is not a fast forward');
      if (!(await compareAndSwapRef(repo.repoDir, ref, body.sha, current))) return fail(res, 422, 'Update is not a fast forward');
      res.json(gitRefJson(repo, ref, body.sha, apiUrl()));
    }),
  );

  router.delete(
    '/repos/:owner/:repo/git/refs/*ref',
    withRepo(state, write, async ({ repo }, req, res) => {
      const ref = refParam(req);
      const current = await refSha(repo, ref);
      if (!current) return fail(res, 422, 'Reference does not exist');
      if (refusedByProtection(state, repo, ref, res, true)) return;
      if (!(await compareAndSwapRef(repo.repoDir, ref, undefined, current))) return fail(res, 422, 'Reference does not exist');
      res.status(204).end();
    }),
  );

  router.post(
    '/repos/:owner/:repo/git/blobs',
    withRepo(state, write, async ({ repo }, req, res) => {
      const body = jsonBody(req);
      if (!body) return fail(res, 400, 'Problems parsing JSON');
      if (typeof body.content !== 'string') return fail(res, 422, 'Invalid request.\n\n"content" wasn\'t supplied.');
      const encoding = body.encoding ?? 'utf-8';
      if (encoding !== 'utf-8' && encoding !== 'base64') return fail(res, 422, `encoding must be utf-8 or base64`);
      const bytes = Buffer.from(body.content, encoding === 'base64' ? 'base64' : 'utf8');
      const sha = (await gitWith(repo.repoDir, ['hash-object', '-w', '--stdin'], { input: bytes })).trim();
      res.status(201).json({ ...example('short-blob'), sha, url: `${apiUrl()}/repos/${repo.owner}/${repo.name}/git/blobs/${sha}` });
    }),
  );

  router.post(
    '/repos/:owner/:repo/git/trees',
    withRepo(state, write, async ({ repo }, req, res) => {
      const body = jsonBody(req);
      if (!body) return fail(res, 400, 'Problems parsing JSON');
      if (!Array.isArray(body.tree)) return fail(res, 422, 'Invalid request.\n\n"tree" wasn\'t supplied.');
      if (body.base_tree !== undefined && (!isSha(body.base_tree) || (await objectType(repo.repoDir, body.base_tree)) !== 'tree')) {
        return fail(res, 422, 'base_tree is not a valid tree oid');
      }
      const changes: TreeChange[] = [];
      for (const raw of body.tree as Record<string, unknown>[]) {
        const problem = await treeEntryProblem(repo, raw);
        if (problem) return fail(res, 422, problem);
        const sha = 'content' in raw ? (await gitWith(repo.repoDir, ['hash-object', '-w', '--stdin'], { input: String(raw.content) })).trim() : (raw.sha as string | null);
        changes.push({ path: raw.path as string, mode: raw.mode as string, sha });
      }
      const written = await writeTree(repo.repoDir, typeof body.base_tree === 'string' ? body.base_tree : undefined, changes);
      if ('missing' in written) return fail(res, 422, 'GitRPC::BadObjectState');
      res.status(201).json(await gitTreeJson(repo, written.sha, apiUrl()));
    }),
  );

  router.get(
    '/repos/:owner/:repo/git/commits/:sha',
    withRepo(state, read, async ({ repo }, req, res) => {
      const sha = String(req.params.sha);
      if ((await objectType(repo.repoDir, sha)) !== 'commit') return fail(res, 404, 'Not Found');
      res.json(await gitCommitJson(repo, sha, apiUrl()));
    }),
  );

  router.post(
    '/repos/:owner/:repo/git/commits',
    withRepo(state, write, async ({ repo, who }, req, res) => {
      const body = jsonBody(req);
      if (!body) return fail(res, 400, 'Problems parsing JSON');
      if (typeof body.message !== 'string') return fail(res, 422, 'Invalid request.\n\n"message" wasn\'t supplied.');
      if (!isSha(body.tree) || (await objectType(repo.repoDir, body.tree)) !== 'tree') return fail(res, 422, 'Tree SHA does not exist');
      const parents = Array.isArray(body.parents) ? body.parents : [];
      for (const parent of parents) {
        if (!isSha(parent) || (await objectType(repo.repoDir, parent)) !== 'commit') return fail(res, 422, 'Parent SHA does not exist or is not a commit object');
      }
      const args = ['commit-tree', body.tree, ...parents.flatMap((parent) => ['-p', String(parent)])];
      const sha = (await gitWith(repo.repoDir, args, { input: body.message, env: identityEnv(who) })).trim();
      res.status(201).json(await gitCommitJson(repo, sha, apiUrl()));
    }),
  );
  return router;
}

/** GitHub's refusal of one `tree` entry, or undefined. Entries of type `tree` and `commit` are not supported by this fake. */
async function treeEntryProblem(repo: FakeRepository, raw: Record<string, unknown>): Promise<string | undefined> {
  if (!validPath(raw.path)) return `tree.path ${JSON.stringify(raw.path)} is invalid`;
  if (typeof raw.mode !== 'string' || !MODES.has(raw.mode)) return `tree.mode ${JSON.stringify(raw.mode)} is invalid`;
  if (raw.type !== 'blob') return raw.type === 'tree' || raw.type === 'commit' ? `fake GitHub: tree entries of type ${raw.type} are not supported` : 'tree.type must be blob, tree or commit';
  if ('sha' in raw === 'content' in raw) return 'Must supply either tree.sha or tree.content. Request will be rejected if both are present.';
  if ('content' in raw) return typeof raw.content === 'string' ? undefined : 'tree.content must be a string';
  if (raw.sha === null) return undefined;
  if (!isSha(raw.sha) || (await objectType(repo.repoDir, raw.sha)) !== 'blob') return `tree.sha ${String(raw.sha)} is not a valid blob`;
  return undefined;
}
