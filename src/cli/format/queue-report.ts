import type { QueueReport } from '../commands/queue.js';
import { formatAge } from './age.js';
import { formatTable } from './table.js';

/**
 * `forgebot queue` for people: the agent jobs (running first, then waiting, each with its age), Temporal's backlog
 * line, and the approvals waiting. Subjects and ids are forgebot's own keys, never text from a forge.
 */
export function renderQueue(report: QueueReport): string {
  const parts: string[] = [];
  const { backlog } = report;
  const workers = backlog.pollers === 0 ? 'no agent-worker polls it' : `${backlog.pollers} agent-worker${backlog.pollers === 1 ? '' : 's'} polling`;
  parts.push(`agent task queue ${report.taskQueue}: ${workers}; backlog ~${backlog.approximateCount}${backlog.approximateCount > 0 ? `, the oldest waiting ${formatAge(backlog.oldestAgeSeconds)}` : ''} (Temporal's estimate)\n`);
  if (report.jobs.length === 0) parts.push('\nno agent jobs\n');
  else {
    parts.push(`\nagent jobs (${report.jobs.length}):\n`);
    parts.push(
      formatTable(
        ['state', 'age', 'activity', 'attempt', 'workflow', 'subject'],
        report.jobs.map((job) => [job.state, formatAge(job.ageSeconds), job.activityType, String(job.attempt), job.workflowId, job.subject ?? '-']),
      ),
    );
  }
  if (report.notDescribed > 0) parts.push(`(${report.notDescribed} more running workflows were not looked at)\n`);
  if (report.approvals.length === 0) parts.push('\nno approvals waiting\n');
  else {
    parts.push(`\napprovals waiting (${report.approvals.length}):\n`);
    parts.push(
      formatTable(
        ['gate', 'waiting', 'expires', 'workflow', 'subject'],
        report.approvals.map((approval) => [approval.gate, formatAge(approval.ageSeconds), approval.expiresAt ?? '-', approval.workflowId, approval.subject ?? '-']),
      ),
    );
  }
  return parts.join('');
}
