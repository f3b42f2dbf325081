// Which code path a recorded review history went down: the activities it scheduled, in order, and where the
// generic-agent-jobs patch marker was first written (core_patch marker).
import { defaultPayloadConverter } from '@temporalio/common';
import type { History } from '@temporalio/common/lib/proto-utils.js';
import { GENERIC_AGENT_JOBS_PATCH } from '../../src/workflows/review.js';

export interface HistoryPath {
  /** Activity types scheduled, in order. */
  activities: string[];
  /** How many of `activities` were scheduled before the generic-agent-jobs marker; undefined when there is none. */
  patchedAfter: number | undefined;
}

export function pathOf(history: History): HistoryPath {
  const activities: string[] = [];
  let patchedAfter: number | undefined;
  for (const event of history.events ?? []) {
    const scheduled = event.activityTaskScheduledEventAttributes?.activityType?.name;
    if (scheduled) activities.push(scheduled);
    const marker = event.markerRecordedEventAttributes;
    const payload = marker?.markerName === 'core_patch' ? marker.details?.['patch-data']?.payloads?.[0] : undefined;
    if (payload && patchedAfter === undefined && defaultPayloadConverter.fromPayload<{ id?: string }>(payload).id === GENERIC_AGENT_JOBS_PATCH) {
      patchedAfter = activities.length;
    }
  }
  return { activities, patchedAfter };
}

/** The ids of every patch marker in a history, in order (a patch's own test checks its marker is there). */
export function patchIds(history: History): string[] {
  return (history.events ?? []).flatMap((event) => {
    const marker = event.markerRecordedEventAttributes;
    const payload = marker?.markerName === 'core_patch' ? marker.details?.['patch-data']?.payloads?.[0] : undefined;
    return payload ? [defaultPayloadConverter.fromPayload<{ id?: string }>(payload).id ?? ''] : [];
  });
}

/** The old path's activities (runReviewAgent → publishReview) and the new path's (readRunSettings, runAgent → publishStoredReview). */
export const OLD_PATH = ['runReviewAgent'];
export const NEW_PATH = ['readRunSettings', 'runAgent', 'publishStoredReview'];
