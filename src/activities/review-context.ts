import type { ReviewContext } from '../domain/agent-task.js';
import type { BriefLearning, RelatedWork } from '../domain/review-memory.js';
import type { ChangeSnapshot } from '../domain/change-snapshot.js';
import { capGuidelines, GUIDELINE_FILES } from '../domain/guidelines.js';
import { parseRepoSettings, REPO_SETTINGS_PATH } from '../domain/review-settings.js';
import type { Forge } from './forge.js';

/** Longest wait for related work: it only adds to the summary (the forges bound their own lookups too). */
const RELATED_TIMEOUT_MS = 20_000;

/** Related work, or none when the forge cannot tell or does not answer in time: it never fails a review. */
async function relatedWorkOf(forge: Forge, snapshot: ChangeSnapshot): Promise<RelatedWork | undefined> {
  if (!forge.relatedWork) return undefined;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), RELATED_TIMEOUT_MS)));
  try {
    return await Promise.race([forge.relatedWork(snapshot.ref, snapshot).catch(() => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * What a review needs from the forge besides the diff: `.forgebot.yml` and the guideline files from the TARGET
 * branch (the change's own head cannot rewrite its review rules), forgebot's earlier finding threads, the change's
 * labels (a skip label means no review), and related work; with `learnings` (review memory) the learnings a
 * maintainer accepted for the repository.
 */
export async function readReviewContext(forge: Forge, snapshot: ChangeSnapshot, lastReviewedSha: string | undefined, learnings?: (repository: string) => Promise<BriefLearning[]>): Promise<ReviewContext> {
  const read = (path: string) => forge.readFile?.(snapshot.ref, path, snapshot.startSha) ?? Promise.resolve(undefined);
  const [accepted, settingsText, threads, related, ...guidelineTexts] = await Promise.all([
    learnings?.(snapshot.ref.projectPath) ?? Promise.resolve([]),
    read(REPO_SETTINGS_PATH),
    forge.findingThreads?.(snapshot.ref) ?? Promise.resolve([]),
    relatedWorkOf(forge, snapshot),
    ...GUIDELINE_FILES.map((path) => read(path)),
  ]);
  const { settings, problems } = parseRepoSettings(settingsText);
  const guidelines = capGuidelines(
    GUIDELINE_FILES.flatMap((path, index) => {
      const text = guidelineTexts[index];
      return text === undefined ? [] : [{ path, text }];
    }),
  );
  const open = threads.filter((thread) => !thread.resolved);
  const labels = (snapshot.labels ?? []).slice(0, 100).map((label) => label.slice(0, 100));
  const skipLabel = settings.pipeline.skip_labels.find((skip) => labels.some((label) => label.toLowerCase() === skip.toLowerCase()));
  return {
    settings,
    guidelines,
    ...(lastReviewedSha && lastReviewedSha !== snapshot.headSha ? { lastReviewedSha } : {}),
    priorFindings: open.slice(0, 500).map(({ fingerprint, path, line, severity, category, title }) => ({ fingerprint, path, line, severity, category, title })),
    resolvedFingerprints: [...new Set(threads.filter((thread) => thread.resolved).map((thread) => thread.fingerprint))].slice(0, 5_000),
    notices: problems.length > 0 ? [`The settings file has problems, so the defaults were used: ${problems.join('; ')}`.slice(0, 2_000)] : [],
    ...(snapshot.labels ? { labels } : {}),
    ...(skipLabel !== undefined ? { skip: { label: skipLabel } } : {}),
    ...(related ? { related } : {}),
    ...(accepted.length > 0 ? { learnings: accepted.slice(0, 20) } : {}),
  };
}
