import type { ChangeSnapshot } from '../domain/change-snapshot.js';
import type { LinkedIssue, RelatedChange, RelatedWork } from '../domain/review-memory.js';

/** Changed files whose history is read (the first ones the forge lists). */
export const RELATED_PATHS = 5;
/** Merged changes and linked issues named in the summary, at most. */
export const RELATED_LIMIT = 5;
/** Commits whose changes are looked up, newest first, across all the paths. */
const COMMITS_LOOKED_UP = 20;
export const RELATED_SINCE_DAYS = 90;

/** An issue the description links: in this project (`project` absent) or another of the same forge. */
export interface IssueReference {
  /** As the summary shows it: `#12`, `group/project#3`. */
  reference: string;
  project?: string;
  number: number;
}

/** A commit of the target branch that touched `path`. */
export interface PathCommit {
  sha: string;
  /** ISO 8601 (committed). */
  date: string;
  path: string;
}

/** A change a commit belongs to, as the forge answers (only merged ones are related work). */
export interface CommitChange {
  number: number;
  title: string;
  merged: boolean;
  url?: string;
  mergedAt?: string;
}

/** What one forge answers; every call may fail (it is then left out, or the issue listed without a title). */
export interface RelatedSources {
  commitsTouching(path: string, sinceIso: string): Promise<PathCommit[]>;
  changesOfCommit(sha: string): Promise<CommitChange[]>;
  issue(reference: IssueReference): Promise<Omit<LinkedIssue, 'reference'>>;
}

export interface RelatedInput {
  forge: 'gitlab' | 'github';
  /** `group/project` / `owner/repo` of the change. */
  projectPath: string;
  /** The change's own number (never related to itself). */
  number: number;
  /** The forge's web origin (`https://gitlab.example.com`): issue URLs on it are linked issues. */
  webOrigin?: string;
  description: string;
  paths: readonly string[];
  now: Date;
  /** No new call starts after this (ms since the epoch); what was found so far is returned. */
  deadline: number;
}

/** The whole lookup of one change: it only adds to the summary, so it never holds a review up for long. */
const RELATED_BUDGET_MS = 15_000;

/** What a forge passes to gatherRelatedWork for a change: its paths (old path of a deleted file), now, the deadline. */
export function relatedInputOf(forge: RelatedInput['forge'], snapshot: ChangeSnapshot, webOrigin: string | undefined): RelatedInput {
  return {
    forge,
    projectPath: snapshot.ref.projectPath,
    number: snapshot.ref.number,
    ...(webOrigin ? { webOrigin } : {}),
    description: snapshot.description,
    paths: snapshot.files.map((file) => (file.deletedFile ? file.oldPath : file.newPath)),
    now: new Date(),
    deadline: Date.now() + RELATED_BUDGET_MS,
  };
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Fenced blocks and code spans: a `#12` in code is not a link. */
const withoutCode = (text: string) => text.replace(/^ {0,3}(`{3,}|~{3,})[^\n]*\n[\s\S]*?(?:^ {0,3}\1[^\n]*$|(?![\s\S]))/gm, ' ').replace(/(`+)[^`]*?\1/g, ' ');

/**
 * The issues a change's description links, in order, without duplicates, at most RELATED_LIMIT: `#12`, `Closes #4`,
 * `group/sub/project#3` (GitLab) or `owner/repo#3` (GitHub), and issue URLs on the same forge. `!12` (a GitLab merge
 * request) is not an issue; on GitHub a `#n` that is the change itself is left out.
 */
export function linkedIssueReferences(input: Pick<RelatedInput, 'forge' | 'projectPath' | 'number' | 'webOrigin' | 'description'>): IssueReference[] {
  const found: IssueReference[] = [];
  const add = (project: string | undefined, number: number) => {
    const own = project === undefined || project.toLowerCase() === input.projectPath.toLowerCase();
    if (!Number.isSafeInteger(number) || number <= 0 || (own && input.forge === 'github' && number === input.number)) return;
    const reference = own ? `#${number}` : `${project}#${number}`;
    if (!found.some((known) => known.reference.toLowerCase() === reference.toLowerCase())) found.push({ reference, number, ...(own ? {} : { project }) });
  };
  let text = withoutCode(input.description);
  if (input.webOrigin) {
    const issuePath = input.forge === 'gitlab' ? '([\\w.-]+(?:/[\\w.-]+)+)/-/(?:issues|work_items)/(\\d+)' : '([\\w.-]+/[\\w.-]+)/issues/(\\d+)';
    const url = new RegExp(`${escapeRegExp(input.webOrigin.replace(/\/+$/, ''))}/${issuePath}`, 'gi');
    text = text.replace(url, (_match, project: string, number: string) => {
      add(project, Number(number));
      return ' ';
    });
  }
  // Other URLs are no references (their `#fragment` is not an issue).
  text = text.replace(/\bhttps?:\/\/\S+/gi, ' ');
  const project = input.forge === 'gitlab' ? '[\\w.-]+(?:/[\\w.-]+)+' : '[\\w.-]+/[\\w.-]+';
  for (const match of text.matchAll(new RegExp(`(?<![\\w/&#.-])(?:(${project}))?#(\\d+)\\b`, 'g'))) add(match[1], Number(match[2]));
  return found.slice(0, RELATED_LIMIT);
}

const timeLeft = (deadline: number) => Date.now() < deadline;

async function settled<T>(work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await work();
  } catch {
    return undefined;
  }
}

/** Recent merged changes to the same files: commits of the target branch per path, newest first, then their changes. */
async function relatedChanges(sources: RelatedSources, input: RelatedInput): Promise<RelatedChange[]> {
  const since = new Date(input.now.getTime() - RELATED_SINCE_DAYS * 86_400_000).toISOString();
  const paths = input.paths.slice(0, RELATED_PATHS);
  const perPath = await Promise.all(paths.map((path) => (timeLeft(input.deadline) ? settled(() => sources.commitsTouching(path, since)) : undefined)));
  const pathsOf = new Map<string, Set<string>>();
  const commits: PathCommit[] = [];
  for (const commit of perPath.flatMap((list) => list ?? [])) {
    if (!pathsOf.has(commit.sha)) commits.push(commit);
    pathsOf.set(commit.sha, (pathsOf.get(commit.sha) ?? new Set()).add(commit.path));
  }
  commits.sort((a, b) => b.date.localeCompare(a.date));
  const changes = new Map<number, RelatedChange & { sortKey: string }>();
  for (const commit of commits.slice(0, COMMITS_LOOKED_UP)) {
    if (changes.size >= RELATED_LIMIT || !timeLeft(input.deadline)) break;
    for (const change of (await settled(() => sources.changesOfCommit(commit.sha))) ?? []) {
      if (change.number === input.number || !change.merged) continue;
      const known = changes.get(change.number);
      const paths = [...new Set([...(known?.paths ?? []), ...(pathsOf.get(commit.sha) ?? [])])].slice(0, 10);
      changes.set(change.number, {
        number: change.number,
        title: change.title.slice(0, 300),
        ...(change.url ? { url: change.url.slice(0, 2_000) } : {}),
        ...(change.mergedAt ? { mergedAt: change.mergedAt.slice(0, 40) } : {}),
        paths,
        sortKey: known?.sortKey ?? change.mergedAt ?? commit.date,
      });
    }
  }
  return [...changes.values()]
    .sort((a, b) => b.sortKey.localeCompare(a.sortKey))
    .slice(0, RELATED_LIMIT)
    .map(({ sortKey: _sortKey, ...change }) => change);
}

/** The issues the description links, each with its title and state, or without them when it could not be read. */
async function linkedIssues(sources: RelatedSources, input: RelatedInput): Promise<LinkedIssue[]> {
  return Promise.all(
    linkedIssueReferences(input).map(async (reference) => {
      const read = timeLeft(input.deadline) ? await settled(() => sources.issue(reference)) : undefined;
      const title = read?.title?.slice(0, 300);
      return {
        reference: reference.reference,
        ...(title !== undefined ? { title } : {}),
        ...(read?.url ? { url: read.url.slice(0, 2_000) } : {}),
        ...(read?.state ? { state: read.state.slice(0, 40) } : {}),
      };
    }),
  );
}

/** Related work for the summary; a failing lookup never fails it (it is left out, or listed without a title). */
export async function gatherRelatedWork(sources: RelatedSources, input: RelatedInput): Promise<RelatedWork> {
  const [changes, issues] = await Promise.all([relatedChanges(sources, input), linkedIssues(sources, input)]);
  return { changes, issues };
}
