import type { ReviewContext } from '../domain/agent-task.js';
import type { ChangeSnapshot } from '../domain/change-snapshot.js';
import { capGuidelines, GUIDELINE_FILES } from '../domain/guidelines.js';
import { parseRepoSettings, REPO_SETTINGS_PATH } from '../domain/review-settings.js';
import type { Forge } from './forge.js';

/**
 * What a review needs from the forge besides the diff: `.forgebot.yml` and the guideline files from the TARGET
 * branch (the change's own head cannot rewrite its review rules), and forgebot's earlier finding threads.
 */
export async function readReviewContext(forge: Forge, snapshot: ChangeSnapshot, lastReviewedSha: string | undefined): Promise<ReviewContext> {
  const read = (path: string) => forge.readFile?.(snapshot.ref, path, snapshot.startSha) ?? Promise.resolve(undefined);
  const [settingsText, threads, ...guidelineTexts] = await Promise.all([
    read(REPO_SETTINGS_PATH),
    forge.findingThreads?.(snapshot.ref) ?? Promise.resolve([]),
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
  return {
    settings,
    guidelines,
    ...(lastReviewedSha && lastReviewedSha !== snapshot.headSha ? { lastReviewedSha } : {}),
    priorFindings: open.slice(0, 500).map(({ fingerprint, path, line, severity, category, title }) => ({ fingerprint, path, line, severity, category, title })),
    resolvedFingerprints: [...new Set(threads.filter((thread) => thread.resolved).map((thread) => thread.fingerprint))].slice(0, 5_000),
    notices: problems.length > 0 ? [`The settings file has problems, so the defaults were used: ${problems.join('; ')}`.slice(0, 2_000)] : [],
  };
}
