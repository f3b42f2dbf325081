import type { AgentActivities } from '../../activities/agent-activities.js';
import type { AuthorActivities } from '../../activities/author-activities.js';
import type { CommandActivities } from '../../activities/command-activities.js';
import type { ForgeActivities } from '../../activities/forge-activities.js';
import type { TicketActivities } from '../../activities/jira/ticket-contracts.js';
import type { RepositoryActivities, SentryActivities } from '../../activities/sentry/contracts.js';
import type { ChangeRef, RepositoryRef } from '../../domain/change-ref.js';
import { changeSubject, subjectKey } from '../../domain/subject-ref.js';
import type { AuditFact } from '../audit-event.js';

/** Every activity forgebot registers, by its real name and signature: the mapping table is checked against them. */
export type KnownActivities = ForgeActivities & AuthorActivities & CommandActivities & RepositoryActivities & SentryActivities & AgentActivities & TicketActivities;

/** What the interceptor knows of a call besides its arguments. */
export interface CallContext {
  /** This attempt's wall time. */
  durationMs: number;
  attempt: number;
  /** The agent-worker's model (AGENT jobs), when the wiring knows it. */
  model?: string;
}

/** One completed call of an activity: its arguments and its result, typed after the activity itself. */
export type CompletedCall<F> = F extends (...args: infer A) => Promise<infer R> ? { args: A; result: R; context: CallContext } : never;

/** The audit rows of one activity type, from a completed call (none: it left nothing outside). */
export type RowMappers = { [K in keyof KnownActivities]?: (call: CompletedCall<KnownActivities[K]>) => AuditFact[] };

/** Where a change is: its forge, repository and subject key. */
export function onChange(ref: ChangeRef): Pick<AuditFact, 'target' | 'repository' | 'subject'> {
  return { target: ref.forge, repository: ref.projectPath, subject: subjectKey(changeSubject(ref)) };
}

/** Where a repository is (no change yet). */
export function onRepository(repo: RepositoryRef): Pick<AuditFact, 'target' | 'repository'> {
  return { target: repo.forge, repository: repo.projectPath };
}

/** An action row. */
export function action(kind: AuditFact['kind'], where: Pick<AuditFact, 'target' | 'repository' | 'subject'>, more: Omit<AuditFact, 'category' | 'kind' | 'target'> = {}): AuditFact {
  return { category: 'action', kind, ...where, ...more };
}
