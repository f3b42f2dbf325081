/**
 * The subject key of a workflow from its deterministic id (ARCHITECTURE.md: `review:gitlab:<project_id>:<iid>`,
 * `review:github:<owner>/<repo>:<number>`, `sentry-fix:<org>:<issue_id>`, `ticket:jira:<KEY>`), so that
 * `forgebot audit --subject` finds every row of the subject's workflow (a Sentry fix's branch and MR too). An id of
 * another shape names no subject.
 */
export function subjectOfWorkflowId(workflowId: string): string | undefined {
  const change = /^[a-z-]+:(gitlab|github):(.+):(\d+)$/.exec(workflowId);
  if (change) {
    const [, forge, project = '', number] = change;
    if (forge === 'gitlab' && !/^\d+$/.test(project)) return undefined;
    return `change:${forge}:${project.replace(/[%:{}]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)}:${number}`;
  }
  const ticket = /^ticket:jira:([A-Z][A-Z0-9_]{0,30}-\d{1,10})$/.exec(workflowId);
  if (ticket) return `jira-ticket:${ticket[1]}`;
  const sentry = /^sentry-fix:([\w.-]{1,100}):(\d{1,20})$/.exec(workflowId);
  if (sentry) return `sentry-issue:${sentry[1]}:${sentry[2]}`;
  return undefined;
}
