// The reviewers of a review: what each is told to look for (its focus block, sent after the shared brief) and its
// default routing. route.ts decides which of them run; run-specialists.ts runs them.
import type { SpecialistName } from '../../domain/specialist-name.js';
import { riskRank, skipReason } from '../context/classify.js';
import { globMatcher } from '../glob.js';
import { fenceUntrusted } from '../sanitize.js';
import type { SpecialistSpec } from './contracts.js';
import { dependencyChanges, describeDependencyChanges, isDependencyFile } from './dependency-changes.js';
import { DOCS_FOCUS, GENERAL_FOCUS, LANGUAGE_FOCUS, PERFORMANCE_FOCUS, SECURITY_FOCUS, TESTS_FOCUS } from './focus-texts.js';

const LANGUAGE_GLOBS = {
  typescript: ['*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'],
  python: ['*.{py,pyi}'],
  go: ['*.go'],
  php: ['*.{php,phtml}'],
} as const;

/** Source files of the languages forgebot has specialists for, and of the other common ones. */
const SOURCE_GLOBS = ['*.{ts,tsx,mts,cts,js,jsx,mjs,cjs,vue,svelte,py,go,php,rb,java,kt,kts,scala,rs,cs,fs,swift,m,mm,c,h,cc,cpp,hpp,ex,exs,erl,clj,dart,lua,sh,sql}'];

/** Names in a path that say it handles identities, secrets or permissions (a directory or the file name). */
const SENSITIVE_WORDS = '{[Aa]uth,[Ss]ession,[Cc]rypt,[Tt]oken,[Pp]assw,[Pp]ermission,[Ll]ogin,[Jj][Ww][Tt],[Ss]ecur,[Ss]ecret,[Cc]redential,[Cc]srf,[Ss]aml,SSO,rbac,RBAC,[Pp]olic[yi],[Ss]anitiz}';

const SECURITY_PATHS = [
  `*${SENSITIVE_WORDS}*`,
  `**/*${SENSITIVE_WORDS}*/**`,
  '*.sql',
  '{Dockerfile,Dockerfile.*,*.Dockerfile,Containerfile,docker-compose*.{yml,yaml},compose.{yml,yaml}}',
  '{.github/workflows/**,.github/actions/**,.gitlab-ci.yml,.gitlab-ci/**,.circleci/**,Jenkinsfile,azure-pipelines.yml,.buildkite/**,bitbucket-pipelines.yml}',
  '{package.json,package-lock.json,npm-shrinkwrap.json,yarn.lock,pnpm-lock.yaml,.npmrc,.yarnrc.yml}',
  '**/requirements/*.txt',
  '{requirements*.txt,pyproject.toml,setup.py,setup.cfg,Pipfile,Pipfile.lock,poetry.lock,uv.lock}',
  '{go.mod,go.sum,composer.json,composer.lock,Gemfile,Gemfile.lock,Cargo.toml,Cargo.lock,pom.xml,build.gradle,build.gradle.kts}',
  '{.env,.env.*,*.pem,*.key,*.crt,nginx*.conf,.htaccess}',
];

/** Data access: where N+1 queries and unbounded result sets live. */
const PERFORMANCE_PATHS = [
  '**/{db,database,dal,dao,data,orm,models,model,entities,entity,repositories,repository,repos,queries,query,migrations,persistence,store,stores,cache}/**',
  '*{[Rr]epositor,[Dd]ao.,[Qq]uer,[Mm]odel,[Cc]ache,[Ll]oader.}*',
  '*.sql',
];

const REPORT_LEAVE = (owns: string, others: string) =>
  `Report in your categories (${owns}). ${others} are other specialists' concerns when they run: do not hunt for them, but a blocker or major problem you notice there is still worth a finding in its own category (duplicates across reviewers are merged). A change that is clean in your area gets no findings and one sentence of summary saying so.`;

export const SPECIALISTS: Record<SpecialistName, SpecialistSpec> = {
  general: {
    name: 'general',
    focus: GENERAL_FOCUS,
    categories: ['bug', 'maintainability', 'style'],
    defaultPaths: [],
    defaultLabels: [],
    defaultMinChangedLines: 0,
    defaultShare: 1,
    byDefault: 'auto',
  },
  security: {
    name: 'security',
    focus: `${SECURITY_FOCUS}\n\n${REPORT_LEAVE('security', 'Performance, documentation, tests and language idioms')}`,
    categories: ['security'],
    defaultPaths: SECURITY_PATHS,
    defaultLabels: ['security-review'],
    defaultMinChangedLines: 1,
    defaultShare: 0.6,
    byDefault: 'auto',
  },
  performance: {
    name: 'performance',
    focus: `${PERFORMANCE_FOCUS}\n\n${REPORT_LEAVE('performance', 'Security, documentation, tests and language idioms')}`,
    categories: ['performance'],
    defaultPaths: PERFORMANCE_PATHS,
    defaultLabels: ['performance-review'],
    defaultMinChangedLines: 10,
    defaultShare: 0.5,
    byDefault: 'auto',
  },
  docs: {
    name: 'docs',
    focus: `${DOCS_FOCUS}\n\n${REPORT_LEAVE('docs', 'Bugs, security, performance and tests')}`,
    categories: ['docs'],
    defaultPaths: [],
    defaultLabels: ['docs-review'],
    defaultMinChangedLines: 150,
    defaultShare: 0.3,
    byDefault: 'auto',
  },
  tests: {
    name: 'tests',
    focus: `${TESTS_FOCUS}\n\n${REPORT_LEAVE('tests', 'Bugs in the code under test, security, performance and documentation')}`,
    categories: ['tests'],
    defaultPaths: SOURCE_GLOBS,
    defaultLabels: ['tests-review'],
    defaultMinChangedLines: 40,
    defaultShare: 0.5,
    byDefault: 'auto',
  },
  ...languageSpecs(),
};

function languageSpecs(): Record<keyof typeof LANGUAGE_GLOBS, SpecialistSpec> {
  const spec = (name: keyof typeof LANGUAGE_GLOBS): SpecialistSpec => ({
    name,
    focus: `${LANGUAGE_FOCUS[name]}\n\n${REPORT_LEAVE('bug, maintainability, style', 'Security in depth, performance beyond the language\'s own traps, documentation and tests')}`,
    categories: ['bug', 'maintainability', 'style'],
    defaultPaths: LANGUAGE_GLOBS[name],
    defaultLabels: [`${name}-review`],
    defaultMinChangedLines: 30,
    defaultShare: 0.5,
    byDefault: 'auto',
  });
  return { typescript: spec('typescript'), python: spec('python'), go: spec('go'), php: spec('php') };
}

/** Paths a review never reads whatever the globs say (vendored, generated, minified); lock files only when named. */
function excludedKind(path: string): string | undefined {
  return skipReason({ oldPath: path, newPath: path, status: 'modified', binary: false, text: '', hunks: '', added: 0, removed: 0 }, []);
}

/**
 * The paths that are a specialist's own: those its globs match (`globs` from `.forgebot.yml`, else its defaults).
 * No globs: every file the review reads. Vendored, generated and minified files never count; lock files only for
 * globs that match them (security's). The tests specialist's defaults leave out test files themselves.
 */
export function ownPaths(name: SpecialistName, paths: readonly string[], globs?: readonly string[]): string[] {
  const configured = globs !== undefined;
  const matchers = (globs ?? SPECIALISTS[name].defaultPaths).map((glob) => globMatcher(glob));
  return paths.filter((path) => {
    const kind = excludedKind(path);
    if (matchers.length === 0) return kind === undefined;
    if (kind !== undefined && kind !== 'lock file') return false;
    if (!configured && name === 'tests' && riskRank(path) === 3) return false;
    return matchers.some((matches) => matches(path));
  });
}

const MAX_LISTED_FILES = 50;

/** Language specialists are told which of the change's files are theirs (and may look at the others). */
function languageFiles(name: SpecialistName, paths: readonly string[]): string {
  const own = ownPaths(name, paths);
  if (own.length === 0) return '';
  const listed = own.slice(0, MAX_LISTED_FILES).join('\n') + (own.length > MAX_LISTED_FILES ? `\n… and ${own.length - MAX_LISTED_FILES} more` : '');
  return `Your files in this change (${own.length}):\n${fenceUntrusted('specialist-files', listed, 'code')}`;
}

/** The security specialist is told what the lock-file and manifest diffs change (lock files are not in the batches). */
function dependencyContext(paths: readonly string[], diffText: (path: string) => string | undefined): string {
  const changes = paths.filter(isDependencyFile).flatMap((path) => {
    const diff = diffText(path);
    return diff === undefined ? [] : dependencyChanges(path, diff);
  });
  if (changes.length === 0) return '';
  return [
    `Dependency changes in this change (${changes.length}, read from the manifest and lock-file diffs; lock files are not in the diff batches, read them with the tools when an entry needs a closer look):`,
    fenceUntrusted('dependency-changes', describeDependencyChanges(changes).join('\n'), 'code'),
    'Check each: a new package (typosquat, maintainer, install scripts), a major jump or a downgrade, a git or URL source instead of the registry, a replaced module.',
  ].join('\n');
}

/** A specialist's focus block with what this change adds to it (its files; for security, the dependency changes). */
export function focusFor(name: SpecialistName, context: { paths: readonly string[]; diffText: (path: string) => string | undefined }): string {
  const spec = SPECIALISTS[name];
  const extra = name === 'security' ? dependencyContext(context.paths, context.diffText) : name in LANGUAGE_GLOBS ? languageFiles(name, context.paths) : '';
  return extra === '' ? spec.focus : `${spec.focus}\n\n${extra}`;
}
