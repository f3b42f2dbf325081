// Named timestamps from a review workflow's Temporal history (event times), for bench/review-latency.ts.
import type { WorkflowHandle } from '@temporalio/client';
import proto from '@temporalio/proto';

export interface Mark {
  name: string;
  /** Milliseconds since the epoch. */
  at: number;
}

const EventType = proto.temporal.api.enums.v1.EventType;

function millis(time: proto.temporal.api.history.v1.IHistoryEvent['eventTime']): number {
  return Number(time?.seconds ?? 0) * 1_000 + Math.floor((time?.nanos ?? 0) / 1_000_000);
}

/**
 * The marks of one review, from its history events at or after `since`: the workflow's start (or the signal), each
 * activity's scheduled / started / completed (`fetchChange started`), and the debounce timer.
 */
export async function historyMarks(handle: WorkflowHandle, since: number): Promise<Mark[]> {
  const { events } = await handle.fetchHistory();
  const activities = new Map<number, string>();
  const marks: Mark[] = [];
  for (const event of events ?? []) {
    const at = millis(event.eventTime);
    const id = Number(event.eventId ?? 0);
    if (event.activityTaskScheduledEventAttributes) activities.set(id, event.activityTaskScheduledEventAttributes.activityType?.name ?? 'activity');
    if (at < since - 5) continue;
    switch (event.eventType) {
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
        marks.push({ name: 'workflow started', at });
        break;
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
        if (!marks.some((mark) => mark.name === 'workflow started')) marks.push({ name: 'workflow started', at });
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        marks.push({ name: `${activities.get(id)} scheduled`, at });
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED:
        marks.push({ name: `${activities.get(Number(event.activityTaskStartedEventAttributes?.scheduledEventId ?? 0))} started`, at });
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
        marks.push({ name: `${activities.get(Number(event.activityTaskCompletedEventAttributes?.scheduledEventId ?? 0))} completed`, at });
        break;
      case EventType.EVENT_TYPE_TIMER_STARTED:
        marks.push({ name: 'debounce timer started', at });
        break;
      case EventType.EVENT_TYPE_TIMER_FIRED:
        marks.push({ name: 'debounce timer fired', at });
        break;
      default:
        break;
    }
  }
  return marks;
}

/** The p-th percentile (nearest rank) of `values`, rounded to a millisecond. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(0, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round(sorted[rank] ?? Number.NaN);
}
