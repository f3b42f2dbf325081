import { EVIDENCE_LIMITS, type SentryEvidence, type SentryException, type SentryFrame } from '../../domain/sentry/evidence.js';
import type { SentryIssueSummary } from '../../domain/sentry/issue.js';

// The evidence as the analyst's and the fixer's context: plain text, compact, the most useful first (the exception
// and its in-app frames, innermost first), then the message, the request, breadcrumbs and tags. It is untrusted data
// (the role fences it); nothing here is an instruction, and it was scrubbed when it was extracted.

const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ⏎ ');

function location(frame: SentryFrame): string {
  const at = [frame.lineNo, frame.colNo].filter((part) => part !== undefined).join(':');
  return `${frame.repositoryPath ?? frame.file}${at ? `:${at}` : ''}`;
}

function frameLines(frame: SentryFrame, number: number, withSource: boolean): string[] {
  const where = frame.function ? ` in ${oneLine(frame.function)}` : '';
  const seen = frame.repositoryPath && frame.repositoryPath !== frame.file ? ` (reported as ${oneLine(frame.file)})` : '';
  const lines = [`  ${frame.inApp ? '*' : ' '} #${number} ${oneLine(location(frame))}${where}${frame.inApp ? '' : ' [library]'}${seen}`];
  if (!withSource) return lines;
  const width = String(Math.max(0, ...frame.context.map(([line]) => line))).length;
  for (const [line, source] of frame.context) {
    const mark = line === frame.lineNo ? '>' : ' ';
    lines.push(`      ${mark} ${String(line).padStart(width)} | ${source.replace(/\n/g, ' ')}`);
  }
  const vars = Object.entries(frame.vars ?? {});
  if (vars.length > 0) lines.push(`        locals: ${vars.map(([name, value]) => `${oneLine(name)} = ${oneLine(value)}`).join(', ')}`);
  return lines;
}

/** `reported`: the exception the issue is about; the others were raised before it (its causes, chained). */
function exceptionLines(exception: SentryException, reported: boolean): string[] {
  const handled = exception.handled === undefined ? '' : exception.handled ? ' (handled)' : ' (unhandled)';
  const lines = [`${reported ? 'Exception' : 'Chained exception, raised before it'}${handled}: ${oneLine(exception.type)}: ${oneLine(exception.value)}`];
  if (exception.module) lines.push(`  module: ${oneLine(exception.module)}`);
  if (exception.frames.length === 0) return [...lines, '  (no stack trace)'];
  lines.push('  Frames, innermost first (* in-app; > the line that raised):');
  const innermostFirst = exception.frames.slice().reverse();
  innermostFirst.forEach((frame, at) => lines.push(...frameLines(frame, at + 1, frame.inApp || at === 0)));
  return lines;
}

function header(issue: SentryIssueSummary, evidence: SentryEvidence): string[] {
  const facts = [
    issue.level && `level ${issue.level}`,
    (evidence.platform ?? issue.platform) && `platform ${evidence.platform ?? issue.platform}`,
    `${issue.count} events`,
    `${issue.userCount} users`,
    issue.firstSeen && `first seen ${issue.firstSeen}`,
    issue.lastSeen && `last seen ${issue.lastSeen}`,
  ].filter(Boolean);
  const event = [
    `Latest event ${evidence.eventId}`,
    evidence.dateCreated && `at ${evidence.dateCreated}`,
    evidence.release && `release ${oneLine(evidence.release)}`,
    evidence.environment && `environment ${oneLine(evidence.environment)}`,
  ].filter(Boolean);
  const lines = [`Sentry issue ${issue.shortId} (${issue.org}/${issue.projectSlug}): ${oneLine(issue.title)}`];
  if (issue.culprit) lines.push(`Culprit: ${oneLine(issue.culprit)}`);
  lines.push(facts.join(' · '), event.join(', '));
  if (evidence.truncated) lines.push('Note: parts of the event were cut to fit (frames, source lines, variables or breadcrumbs).');
  return lines;
}

function restLines(evidence: SentryEvidence): string[] {
  const lines: string[] = [];
  if (evidence.message) lines.push('', `Message: ${oneLine(evidence.message)}`);
  const request = evidence.request;
  if (request) {
    lines.push('', `Request: ${[request.method, request.url].filter(Boolean).map((part) => oneLine(part ?? '')).join(' ')}`.trimEnd());
    if (request.query) lines.push(`  query: ${oneLine(request.query)}`);
    if (request.data) lines.push(`  body: ${oneLine(request.data)}`);
  }
  if (evidence.breadcrumbs.length > 0) {
    lines.push('', `Breadcrumbs (the last ${evidence.breadcrumbs.length}, oldest first):`);
    for (const crumb of evidence.breadcrumbs) {
      const kind = [crumb.category, crumb.level].filter(Boolean).join('/');
      lines.push(`  ${[crumb.timestamp, kind && `[${kind}]`, oneLine(crumb.message)].filter(Boolean).join(' ')}`);
    }
  }
  if (evidence.tags.length > 0) lines.push('', `Tags: ${evidence.tags.map(([key, value]) => `${oneLine(key)}=${oneLine(value)}`).join(', ')}`);
  return lines;
}

/** `text` cut to `max` characters at a line end where it can, with a note that says so. */
export function capText(text: string, max: number): string {
  if (text.length <= max) return text;
  const note = `\n[… cut: the evidence is longer than ${max} characters]`;
  const room = text.slice(0, max - note.length);
  const lineEnd = room.lastIndexOf('\n');
  return `${lineEnd > room.length / 2 ? room.slice(0, lineEnd) : room}${note}`;
}

/** The issue and its latest event as the agent's untrusted context (plain text, at most EVIDENCE_LIMITS.renderedChars). */
export function renderEvidence(issue: SentryIssueSummary, evidence: SentryEvidence): string {
  const lines = header(issue, evidence);
  // The reported exception first, then what was raised before it (Sentry lists them the other way round).
  evidence.exceptions.slice().reverse().forEach((exception, index) => lines.push('', ...exceptionLines(exception, index === 0)));
  if (evidence.exceptions.length === 0) lines.push('', 'The event has no exception (a captured message).');
  lines.push(...restLines(evidence));
  return capText(lines.join('\n'), EVIDENCE_LIMITS.renderedChars);
}
