import type { SentryEvidence, SentryException, SentryFrame } from '../../domain/sentry/evidence.js';

/**
 * The evidence travels in workflow history (fetchSentryEvidence's result, the workflow's status): well below
 * Temporal's payload limits (a warning at 512 KB, a failure at 2 MB), even when every per-field cap is reached
 * (5 exceptions × 30 frames × 11 lines × 500 characters alone would be 825 KB).
 */
export const EVIDENCE_JSON_BUDGET = 256_000;

const sizeOf = (evidence: SentryEvidence) => JSON.stringify(evidence).length;

/** A frame without its source lines and variables (its place in the stack stays). */
function withoutVars({ vars, ...rest }: SentryFrame): SentryFrame {
  void vars;
  return rest;
}

function bare(frame: SentryFrame): SentryFrame {
  return { ...withoutVars(frame), context: [] };
}

type FrameMap = (frame: SentryFrame, at: { primary: boolean; innermost: boolean; fromInnermost: number }) => SentryFrame;

function mapFrames(evidence: SentryEvidence, map: FrameMap): SentryEvidence {
  const last = evidence.exceptions.length - 1;
  const exceptions = evidence.exceptions.map((exception, index): SentryException => ({
    ...exception,
    frames: exception.frames.map((frame, at) => map(frame, { primary: index === last, innermost: at === exception.frames.length - 1, fromInnermost: exception.frames.length - 1 - at })),
  }));
  return { ...evidence, exceptions };
}

/** Each step drops detail that helps least, until the evidence fits. */
const STEPS: Array<(evidence: SentryEvidence) => SentryEvidence> = [
  // Library frames' source and variables; the reported exception's innermost frame keeps them.
  (evidence) => mapFrames(evidence, (frame, at) => (frame.inApp || (at.primary && at.innermost) ? frame : bare(frame))),
  // The chained exceptions' source and variables.
  (evidence) => mapFrames(evidence, (frame, at) => (at.primary ? frame : bare(frame))),
  // Variables everywhere.
  (evidence) => mapFrames(evidence, withoutVars),
  // The chained exceptions' library frames.
  (evidence) => ({ ...evidence, exceptions: evidence.exceptions.map((exception, index) => (index === evidence.exceptions.length - 1 ? exception : { ...exception, frames: exception.frames.filter((frame) => frame.inApp) })) }),
  // Breadcrumbs but the last ten.
  (evidence) => ({ ...evidence, breadcrumbs: evidence.breadcrumbs.slice(-10) }),
  // Source lines but the ten frames nearest the error.
  (evidence) => mapFrames(evidence, (frame, at) => (at.primary && at.fromInnermost < 10 ? frame : bare(frame))),
  // Source lines but the innermost frame's.
  (evidence) => mapFrames(evidence, (frame, at) => (at.primary && at.innermost ? frame : bare(frame))),
];

/** The evidence cut down to `budget` characters of JSON (the least useful detail first), `truncated` when cut. */
export function fitEvidenceBudget(evidence: SentryEvidence, budget = EVIDENCE_JSON_BUDGET): SentryEvidence {
  if (sizeOf(evidence) <= budget) return evidence;
  let current = evidence;
  for (const step of STEPS) {
    current = step(current);
    if (sizeOf(current) <= budget) break;
  }
  return { ...current, truncated: true };
}
