import { example } from './examples.js';
import { gitWith } from './git-objects.js';
import { iso } from './serialize.js';
import type { FakeRepository } from './state.js';

type Json = Record<string, unknown>;
const repoUrl = (repo: FakeRepository, apiUrl: string) => `${apiUrl}/repos/${repo.owner}/${repo.name}`;
const nodeId = (kind: string, text: string) => Buffer.from(`${kind}:${text}`).toString('base64');

export function gitRefJson(repo: FakeRepository, ref: string, sha: string, apiUrl: string): Json {
  return {
    ...example('git-ref'),
    ref,
    node_id: nodeId('Ref', `${repo.id}:${ref}`),
    url: `${repoUrl(repo, apiUrl)}/git/${ref}`,
    object: { type: 'commit', sha, url: `${repoUrl(repo, apiUrl)}/git/commits/${sha}` },
  };
}

/** A tree as `POST /git/trees` answers it: its top-level entries. */
export async function gitTreeJson(repo: FakeRepository, sha: string, apiUrl: string): Promise<Json> {
  const listing = await gitWith(repo.repoDir, ['ls-tree', '-z', '--long', sha]);
  const tree = listing.split('\0').filter(Boolean).map((line) => {
    const [meta = '', path = ''] = line.split('\t');
    const [mode = '', type = '', entrySha = '', size = '-'] = meta.split(/\s+/);
    const kind = type === 'tree' ? 'trees' : 'blobs';
    return { path, mode, type, sha: entrySha, ...(size === '-' ? {} : { size: Number(size) }), url: `${repoUrl(repo, apiUrl)}/git/${kind}/${entrySha}` };
  });
  return { ...example('git-tree'), sha, url: `${repoUrl(repo, apiUrl)}/git/trees/${sha}`, tree, truncated: false };
}

/** `Name <email> 1700000000 +0000` → GitHub's `{ name, email, date }`. */
function person(line: string): Json {
  const match = /^(.*) <(.*)> (\d+) [+-]\d{4}$/.exec(line);
  return { name: match?.[1] ?? '', email: match?.[2] ?? '', date: iso(Number(match?.[3] ?? 0) * 1000) };
}

/** A commit as the Git data API answers it, read from the repository. */
export async function gitCommitJson(repo: FakeRepository, sha: string, apiUrl: string): Promise<Json> {
  const raw = await gitWith(repo.repoDir, ['cat-file', 'commit', sha]);
  const split = raw.indexOf('\n\n');
  const headers = (split >= 0 ? raw.slice(0, split) : raw).split('\n');
  const value = (name: string) => headers.filter((line) => line.startsWith(`${name} `)).map((line) => line.slice(name.length + 1));
  const base = repoUrl(repo, apiUrl);
  const html = `https://github.com/${repo.owner}/${repo.name}/commit`;
  const tree = value('tree')[0] ?? '';
  return {
    ...example('git-commit'),
    sha,
    node_id: nodeId('Commit', sha),
    url: `${base}/git/commits/${sha}`,
    html_url: `${html}/${sha}`,
    author: person(value('author')[0] ?? ''),
    committer: person(value('committer')[0] ?? ''),
    message: split >= 0 ? raw.slice(split + 2).replace(/\n$/, '') : '',
    tree: { sha: tree, url: `${base}/git/trees/${tree}` },
    parents: value('parent').map((parent) => ({ sha: parent, url: `${base}/git/commits/${parent}`, html_url: `${html}/${parent}` })),
    verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
  };
}
