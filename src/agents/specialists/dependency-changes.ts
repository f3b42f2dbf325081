// The packages a change adds, removes or moves to another version, read from the unified diffs of dependency
// manifests and lock files (which the review batches skip: the security specialist is told about them instead).
// Best effort from the +/- lines and their context: a hunk that starts inside an entry may lose that entry, and
// nothing here ever throws on odd input. Work is linear in the (capped) diff; every pattern is free of nested
// quantifiers, so no line can make a regular expression backtrack.

export interface DependencyChange {
  /** The manifest or lock file (as given). */
  file: string;
  name: string;
  /** Versions (or specifiers) before and after, several joined by ", ". Absent when unknown or unpinned. */
  from?: string;
  to?: string;
  change: 'added' | 'removed' | 'changed';
}

type Format = 'npm-lock' | 'yarn-lock' | 'pnpm-lock' | 'package-json' | 'requirements' | 'poetry-lock' | 'pipfile-lock' | 'go-mod' | 'go-sum' | 'composer-json' | 'composer-lock';

const FORMATS: readonly (readonly [RegExp, Format])[] = [
  [/(?:^|\/)(?:package-lock|npm-shrinkwrap)\.json$/, 'npm-lock'],
  [/(?:^|\/)yarn\.lock$/, 'yarn-lock'],
  [/(?:^|\/)pnpm-lock\.yaml$/, 'pnpm-lock'],
  [/(?:^|\/)package\.json$/, 'package-json'],
  [/(?:^|\/)requirements[^/]*\.txt$|(?:^|\/)requirements\/[^/]+\.txt$/, 'requirements'],
  [/(?:^|\/)(?:poetry|uv)\.lock$/, 'poetry-lock'],
  [/(?:^|\/)Pipfile\.lock$/, 'pipfile-lock'],
  [/(?:^|\/)go\.mod$/, 'go-mod'],
  [/(?:^|\/)go\.sum$/, 'go-sum'],
  [/(?:^|\/)composer\.json$/, 'composer-json'],
  [/(?:^|\/)composer\.lock$/, 'composer-lock'],
];

/** Lock-file diffs run to megabytes; past this much of one the rest is not read. */
const MAX_DIFF_CHARS = 4_000_000;
/** Longer lines are not dependency entries (minified JSON, base64): skipped. */
const MAX_LINE_CHARS = 2_000;
const MAX_CHANGES_PER_FILE = 2_000;

function formatOf(path: string): Format | undefined {
  return FORMATS.find(([pattern]) => pattern.test(path))?.[1];
}

/** True for the manifests and lock files this module reads. */
export function isDependencyFile(path: string): boolean {
  return formatOf(path) !== undefined;
}

interface SideLine {
  text: string;
  /** An added (new side) or removed (old side) line; false for context. */
  changed: boolean;
}

/** One hunk as its two versions: context lines on both sides, removed lines on the old, added on the new. */
interface Hunk {
  old: SideLine[];
  new: SideLine[];
}

/** An entry a changed line names: a package and its version or specifier ('' when it has none). */
interface Entry {
  name: string;
  version: string;
}

type Extractor = (lines: readonly SideLine[]) => Entry[];

function hunksOf(diff: string): Hunk[] {
  const lines = diff.slice(0, MAX_DIFF_CHARS).split('\n');
  // A fragment without `@@` headers (hand-written, or a diff body alone) is read as one hunk.
  const headerless = !lines.some((line) => line.startsWith('@@'));
  const hunks: Hunk[] = [];
  let hunk: Hunk | undefined = headerless ? { old: [], new: [] } : undefined;
  if (hunk) hunks.push(hunk);
  for (const line of lines) {
    if (line.startsWith('@@')) {
      hunk = { old: [], new: [] };
      hunks.push(hunk);
      continue;
    }
    if (!hunk || line.startsWith('\\') || line.length > MAX_LINE_CHARS) continue;
    if (headerless && /^(?:\+\+\+ |--- |diff --git |index )/.test(line)) continue;
    const text = line.slice(1);
    if (line.startsWith('+')) hunk.new.push({ text, changed: true });
    else if (line.startsWith('-')) hunk.old.push({ text, changed: true });
    else if (line === '' || line.startsWith(' ')) {
      hunk.old.push({ text, changed: false });
      hunk.new.push({ text, changed: false });
    } else hunk = undefined; // the next file's header: this file's hunks are over
  }
  return hunks;
}

/** Entries named on changed lines, one line each. */
function perLine(parse: (text: string) => Entry | undefined): Extractor {
  return (lines) => lines.flatMap((line) => (line.changed ? [parse(line.text)].filter((entry) => entry !== undefined) : []));
}

/**
 * Entries spread over lines: a key line names the package, a later version line gives its version. The entry
 * counts when either line changed. A line `reset` matches ends the current entry (another block began).
 */
function keyed(key: (text: string) => string | undefined, version: (text: string) => string | undefined, reset: (text: string) => boolean): Extractor {
  return (lines) => {
    const entries: Entry[] = [];
    let current: { name: string; changed: boolean } | undefined;
    for (const line of lines) {
      const name = key(line.text);
      if (name !== undefined) {
        current = { name, changed: line.changed };
        continue;
      }
      if (reset(line.text)) {
        current = undefined;
        continue;
      }
      const found = current === undefined ? undefined : version(line.text);
      if (current !== undefined && found !== undefined) {
        if (current.changed || line.changed) entries.push({ name: current.name, version: found });
        current = undefined;
      }
    }
    return entries;
  };
}

const group = (pattern: RegExp, text: string, index = 1): string | undefined => pattern.exec(text)?.[index];

/**
 * `"name": "range"` lines of a JSON manifest, inside one of `sections` when the hunk shows which block it is in;
 * when the hunk starts inside a block, a version-like value under a key that is not a manifest field counts.
 */
function manifest(sections: ReadonlySet<string>): Extractor {
  const VERSIONISH = /^(?:[\^~<>=*]|\d|v\d|[xX]$|latest$|next$|dev-|workspace:|npm:|file:|link:|git[+:]|github:|https?:)/;
  const NOT_DEPENDENCIES = new Set(['name', 'version', 'node', 'npm', 'yarn', 'pnpm', 'type', 'license', 'main', 'module', 'types', 'minimum-stability']);
  return (lines) => {
    // undefined: not known yet (the hunk began inside a block); null: a block that is not a dependency list.
    let section: string | null | undefined;
    const entries: Entry[] = [];
    for (const line of lines) {
      const opened = group(/^\s*"([^"]*)"\s*:\s*\{\s*$/, line.text);
      if (opened !== undefined) {
        section = sections.has(opened) ? opened : null;
        continue;
      }
      if (/^\s*\}/.test(line.text)) {
        section = null;
        continue;
      }
      const entry = /^\s*"([^"]+)"\s*:\s*"([^"]*)"\s*,?\s*$/.exec(line.text);
      if (!entry || !line.changed) continue;
      const [, name = '', value = ''] = entry;
      const listed = section === undefined ? VERSIONISH.test(value) && !NOT_DEPENDENCIES.has(name) : section !== null;
      if (listed) entries.push({ name, version: value });
    }
    return entries;
  };
}

/** `name==1.2`, `Name[extra]>=1,<2 ; marker`, `name @ https://…`: names as PEP 503 normalises them. */
function requirement(text: string): Entry | undefined {
  const line = text.replace(/(?:^|\s)#.*$/, '').replace(/\\\s*$/, '').trim();
  if (line === '' || line.startsWith('-')) return undefined;
  const match = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*([^;]*)/.exec(line);
  if (!match) return undefined;
  const spec = (match[2] ?? '').trim();
  return { name: (match[1] ?? '').toLowerCase().replace(/[-_.]+/g, '-'), version: spec.startsWith('==') ? spec.slice(2).trim() : spec };
}

/** `require x v1`, `\tx v1 // indirect`, `replace x => y v2`, `x v1 => ../local`. */
function goModule(text: string): Entry | undefined {
  const line = text.replace(/\/\/.*$/, '').trim();
  if (/^(?:module|go|toolchain|exclude|retract|godebug)(?:\s|$)|^\)$|\($/.test(line)) return undefined;
  const replaced = /^(?:replace\s+)?(\S+)(?:\s+v\S+)?\s+=>\s+(\S+)(?:\s+(\S+))?$/.exec(line);
  if (replaced) return { name: replaced[1] ?? '', version: `=> ${replaced[2] ?? ''}${replaced[3] ? ` ${replaced[3]}` : ''}` };
  const required = /^(?:require\s+)?([^\s()]+)\s+(v\S+)$/.exec(line);
  return required ? { name: required[1] ?? '', version: required[2] ?? '' } : undefined;
}

/**
 * pnpm-lock keys of every lockfile version: `/lodash/4.17.21:` (v5), `/lodash@4.17.21(peer):` (v6),
 * `'@a/b@1.0.0':` and `lodash@4.17.21: {}` (v9 packages and snapshots). Importer entries (`version: 4.17.21`) repeat them.
 */
function pnpmKey(text: string): Entry | undefined {
  const match = /^\s*['"]?\/?(@[^\s'"/@():]+\/[^\s'"/@():]+|[^\s'"/@():]+)[@/](\d[^\s'"():_]*)(?:[(_][^:\s]*)?['"]?:(?:\s|$)/.exec(text);
  return match ? { name: match[1] ?? '', version: match[2] ?? '' } : undefined;
}

const EXTRACTORS: Record<Format, Extractor> = {
  // v2/v3 `packages` entries: `"node_modules/a/node_modules/@s/b": {` then `"version": "1.0.0"`.
  'npm-lock': keyed(
    (text) => {
      const key = group(/^\s*"([^"]*node_modules\/[^"]*)"\s*:\s*\{/, text);
      return key?.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length) || undefined;
    },
    (text) => group(/^\s*"version"\s*:\s*"([^"]+)"/, text),
    (text) => /^\s*"[^"]*"\s*:\s*\{/.test(text),
  ),
  // Classic `lodash@^4.17.0, lodash@^4.17.21:` + `  version "4.17.21"`; berry `"lodash@npm:^4.17.21":` + `  version: 4.17.21`.
  'yarn-lock': keyed(
    (text) => (/^[^\s#].*:\s*$/.test(text) ? group(/^"?(@?[^@"\s,]+)@/, text) : undefined),
    (text) => group(/^\s+version:?\s+"?([^"\s]+)"?\s*$/, text),
    (text) => /^[^\s#]/.test(text),
  ),
  'pnpm-lock': perLine(pnpmKey),
  'package-json': manifest(new Set(['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies', 'overrides', 'resolutions'])),
  requirements: perLine(requirement),
  // `[[package]]` tables: `name = "x"` then `version = "1.0"` (uv.lock has the same shape).
  'poetry-lock': keyed(
    (text) => group(/^name\s*=\s*"([^"]+)"\s*$/, text),
    (text) => group(/^version\s*=\s*"([^"]+)"\s*$/, text),
    (text) => text.startsWith('['),
  ),
  // `"requests": {` … `"version": "==2.31.0"` under `default` / `develop`.
  'pipfile-lock': keyed(
    (text) => {
      const name = group(/^\s*"([^"]+)"\s*:\s*\{\s*$/, text);
      return name === undefined || ['default', 'develop', '_meta', 'hash', 'requires'].includes(name) ? undefined : name;
    },
    (text) => group(/^\s*"version"\s*:\s*"(?:==)?([^"]+)"/, text),
    (text) => /^\s*"(?:default|develop|_meta)"\s*:/.test(text),
  ),
  'go-mod': perLine(goModule),
  'go-sum': perLine((text) => {
    const match = /^(\S+)\s+(v[^\s/]+)(?:\/go\.mod)?\s+h1:/.exec(text);
    return match ? { name: match[1] ?? '', version: match[2] ?? '' } : undefined;
  }),
  'composer-json': manifest(new Set(['require', 'require-dev', 'conflict', 'replace'])),
  // `"packages"` entries: `"name": "vendor/pkg",` then `"version": "v1.2.3",` (an author's name has no `/`).
  'composer-lock': keyed(
    (text) => {
      const name = group(/^\s*"name"\s*:\s*"([^"]+)"/, text);
      return name?.includes('/') ? name : undefined;
    },
    (text) => group(/^\s*"version"\s*:\s*"([^"]+)"/, text),
    (text) => /^\s*"name"\s*:/.test(text),
  ),
};

function versionsByName(entries: readonly Entry[]): Map<string, Set<string>> {
  const byName = new Map<string, Set<string>>();
  for (const { name, version } of entries) {
    if (name === '') continue;
    const versions = byName.get(name) ?? new Set<string>();
    versions.add(version);
    byName.set(name, versions);
  }
  return byName;
}

const joined = (versions: readonly string[]): string | undefined => {
  const known = versions.filter((version) => version !== '');
  return known.length === 0 ? undefined : known.join(', ');
};

/**
 * The dependency changes one file's diff shows (`file` chooses the format; an unknown one gives none). A version
 * both removed and added (a moved or reformatted entry) is no change.
 */
export function dependencyChanges(file: string, diff: string): DependencyChange[] {
  const format = formatOf(file);
  if (format === undefined) return [];
  const extract = EXTRACTORS[format];
  const hunks = hunksOf(diff);
  const before = versionsByName(hunks.flatMap((hunk) => extract(hunk.old)));
  const after = versionsByName(hunks.flatMap((hunk) => extract(hunk.new)));
  const changes: DependencyChange[] = [];
  for (const name of new Set([...after.keys(), ...before.keys()])) {
    if (changes.length >= MAX_CHANGES_PER_FILE) break;
    const old = before.get(name) ?? new Set<string>();
    const next = after.get(name) ?? new Set<string>();
    const removed = [...old].filter((version) => !next.has(version));
    const added = [...next].filter((version) => !old.has(version));
    if (removed.length === 0 && added.length === 0) continue;
    const from = joined(removed);
    const to = joined(added);
    const change = removed.length === 0 ? 'added' : added.length === 0 ? 'removed' : 'changed';
    changes.push({ file, name, change, ...(from === undefined || change === 'added' ? {} : { from }), ...(to === undefined || change === 'removed' ? {} : { to }) });
  }
  return changes;
}

/** Names and versions come from the change: only characters a package name or version uses, bounded. */
const shown = (text: string) => {
  const safe = text.replace(/[^\w@./:+~^<>=!*,|() -]/g, '?');
  return safe.length > 100 ? `${safe.slice(0, 100)}…` : safe;
};

/** One line per change (`package-lock.json: lodash 4.17.20 → 4.17.21`), at most `limit`, then how many more. */
export function describeDependencyChanges(changes: readonly DependencyChange[], limit = 100): string[] {
  const lines = changes.slice(0, limit).map((change) => {
    const name = shown(change.name);
    const what =
      change.change === 'added' ? `added ${name}${change.to ? ` ${shown(change.to)}` : ''}`
        : change.change === 'removed' ? `removed ${name}${change.from ? ` ${shown(change.from)}` : ''}`
          : `${name} ${shown(change.from ?? 'unpinned')} → ${shown(change.to ?? 'unpinned')}`;
    return `${shown(change.file)}: ${what}`;
  });
  return changes.length > limit ? [...lines, `… and ${changes.length - limit} more`] : lines;
}
