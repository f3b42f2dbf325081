import type { JiraTicket } from '../../domain/jira/ticket.js';

/** The planner's context is at most this long (WorkGoal.context's limit). */
export const MAX_REQUIREMENTS_CHARS = 100_000;

const SOURCES = {
  field: "the ticket's acceptance-criteria field",
  section: "the description's acceptance criteria section",
  checklist: "the description's checklist",
} as const;

/** `1536` → `1.5 KB`. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** `text` cut to `max` characters with a note of how much went (nothing cut: as it is). */
function cutTo(text: string, max: number): string {
  if (text.length <= max) return text;
  const note = `\n\n[… ${text.length - max} more characters of the description cut …]`;
  return `${text.slice(0, Math.max(0, max - note.length))}${note}`;
}

/**
 * A ticket's requirements as the planner reads them (Markdown, all of it the ticket's people's words: untrusted data,
 * fenced by the runner): summary, facts, description, acceptance criteria and where they were read from, linked
 * issues, and attachments listed by name, size and type (never read: forgebot does not download them). At most
 * MAX_REQUIREMENTS_CHARS: the description is what gets cut.
 */
export function renderRequirements(ticket: JiraTicket): string {
  const facts = [
    `- Type: ${ticket.issueType || 'unknown'}; status: ${ticket.status.name}`,
    ...(ticket.labels.length > 0 ? [`- Labels: ${ticket.labels.join(', ')}`] : []),
    ...(ticket.components.length > 0 ? [`- Components: ${ticket.components.join(', ')}`] : []),
  ];
  const criteria = ticket.acceptanceCriteria
    ? [`## Acceptance criteria (from ${SOURCES[ticket.acceptanceCriteria.source]})`, '', ticket.acceptanceCriteria.text.trim()]
    : ['## Acceptance criteria', '', 'None found on the ticket (no acceptance-criteria field, section or checklist): infer them from the description, and say which you assumed.'];
  const links = ticket.links.length > 0 ? ['## Linked issues', '', ...ticket.links.map((link) => `- ${link.relation} ${link.key}: ${link.summary}`)] : [];
  const attachments =
    ticket.attachments.length > 0
      ? ['## Attachments (listed only: their contents were not read)', '', ...ticket.attachments.map((file) => `- ${file.filename} (${formatSize(file.size)}, ${file.mimeType})`)]
      : [];
  const head = [`# ${ticket.key}: ${ticket.summary}`, '', ...facts, '', '## Description', '', ''].join('\n');
  const tail = ['', '', ...criteria, ...(links.length > 0 ? ['', ...links] : []), ...(attachments.length > 0 ? ['', ...attachments] : [])].join('\n');
  const description = ticket.description.trim() === '' ? '(no description)' : ticket.description.trim();
  const room = MAX_REQUIREMENTS_CHARS - head.length - tail.length;
  if (room >= 1_000) return `${head}${cutTo(description, room)}${tail}`;
  // Criteria, links and attachments at their limits leave little room: everything is cut to fit, the start kept.
  return `${head}${cutTo(description, 1_000)}${tail}`.slice(0, MAX_REQUIREMENTS_CHARS);
}
