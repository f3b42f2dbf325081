import { parseHunks } from '../../domain/diff-position.js';
import type { Finding } from '../../domain/finding.js';
import { textOf, toolUse, type MessagesRequest, type ScriptedReply } from './messages.js';

interface Rule {
  pattern: RegExp;
  severity: 'blocker' | 'major' | 'minor' | 'nit';
  category: 'bug' | 'security' | 'performance' | 'maintainability' | 'style';
  confidence: number;
  title: string;
  body: string;
  fix?: (line: string) => string;
}

const rules: Rule[] = [
  { pattern: /\beval\(/, severity: 'blocker', category: 'security', confidence: 0.95, title: 'eval() runs arbitrary code', body: 'Evaluating a caller-supplied string lets anyone who controls it run code in this process. Parse the input into a fixed set of operations instead.' },
  { pattern: /(password|secret|api_?key|token)\w*\s*[:=]\s*['"][^'"]{4,}['"]/i, severity: 'major', category: 'security', confidence: 0.9, title: 'Hard-coded credential', body: 'A credential committed to the repository is readable by everyone with access to it and stays in the history. Read it from the environment or a secret store.' },
  { pattern: /[^=!]==[^=]/, severity: 'minor', category: 'bug', confidence: 0.7, title: 'Loose equality', body: '`==` coerces types; use `===` so that unexpected types do not compare equal.', fix: (line) => line.replace(/([^=!])==([^=])/, '$1===$2') },
  { pattern: /console\.log\(/, severity: 'nit', category: 'maintainability', confidence: 0.6, title: 'Leftover console.log', body: 'Debug output in library code ends up in production logs; remove it or use the logger.' },
  { pattern: /\bTODO\b/, severity: 'nit', category: 'maintainability', confidence: 0.5, title: 'Unresolved TODO', body: 'Track the TODO in an issue, or resolve it before merging.' },
];

/** Findings from simple rules over the added lines of a unified diff (`diff --git` sections). */
export function demoFindings(diff: string): Finding[] {
  const findings: Finding[] = [];
  for (const section of diff.split(/^(?=diff --git )/m)) {
    const path = /^\+\+\+ b\/(.+)$/m.exec(section)?.[1];
    if (!path) continue;
    const hunks = section.slice(section.search(/^@@ /m));
    const lines = hunks.split('\n').filter((line) => !line.startsWith('@@') && !line.startsWith('\\'));
    const parsed = parseHunks(hunks);
    parsed.forEach((entry, index) => {
      if (entry.kind !== 'added' || entry.newLine === undefined) return;
      const text = (lines[index] ?? '').slice(1);
      const rule = rules.find((candidate) => candidate.pattern.test(text));
      if (!rule) return;
      findings.push({
        path, line: entry.newLine, side: 'new', severity: rule.severity, category: rule.category,
        confidence: rule.confidence, title: rule.title, body: rule.body,
        ...(rule.fix ? { suggestion: rule.fix(text) } : {}),
      });
    });
  }
  return findings;
}

/**
 * The model of demo mode: looks around once (list_files), then submits findings computed from the diff
 * in the first message. Deterministic, and it answers any number of reviews.
 */
export function demoReviewer(request: MessagesRequest): ScriptedReply {
  const turns = request.messages.filter((message) => message.role === 'assistant').length;
  if (turns === 0) return { content: [{ type: 'text', text: 'Let me look at the repository layout first.' }, toolUse('list_files', { directory: '.' })], stop_reason: 'tool_use' };
  const brief = textOf(request.messages[0]?.content ?? '');
  const order = ['blocker', 'major', 'minor', 'nit'];
  const findings = demoFindings(brief).sort((x, y) => order.indexOf(x.severity) - order.indexOf(y.severity));
  const summary = findings.length === 0
    ? 'The change looks good to me: no problems found.'
    : `This change has ${findings.length} finding(s); the most serious: ${findings[0]?.title}. (Demo reviewer: rule-based, no model involved.)`;
  return { content: [toolUse('submit_review', { summary, findings })], stop_reason: 'tool_use' };
}
