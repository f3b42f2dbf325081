import type { AccessLevel } from '../../domain/access-level.js';
import type { ChangeRef } from '../../domain/change-ref.js';
import { redactSecrets } from '../../domain/redact.js';
import { codeSpan, safeCode, safeLine } from '../../domain/safe-markdown.js';
import { accessLabel, atLeast } from './command-access.js';
import type { LearningView, LearnOutcome } from './learn-from-command.js';

/** A learning's text and author came from people (or a model): shown inert, whatever they hold. */
const untrusted = (text: string) => safeLine(redactSecrets(text).slice(0, 600));
const day = (iso: string | undefined) => (iso ? iso.slice(0, 10) : 'never');
const forWhom = (learning: LearningView) => (learning.specialist ? `the ${learning.specialist} reviewer` : 'every reviewer');

function listLine(learning: LearningView, now: Date): string {
  const expired = learning.expiresAt !== undefined && new Date(learning.expiresAt) <= now;
  const state = learning.status === 'accepted' ? `accepted by ${safeCode(learning.acceptedBy ?? 'unknown')}, ${expired ? `expired ${day(learning.expiresAt)}` : `expires ${day(learning.expiresAt)}`}` : 'proposed';
  return `- ${codeSpan(learning.id)} ${state}; for ${forWhom(learning)}; by ${safeCode(learning.author)}: ${untrusted(learning.text)}`;
}

/**
 * The answer to `/claude learn …` as forgebot's Markdown. Every learning's text and every name is made inert
 * (safe-markdown: no mention, link, image, HTML or quick action); each list line starts with a list marker.
 */
export function renderLearnAnswer(outcome: LearnOutcome, context: { ref: ChangeRef; trigger: string; approveAccess: AccessLevel; now?: Date }): string {
  const { ref, trigger } = context;
  const repository = safeCode(ref.projectPath);
  const command = (text: string) => codeSpan(`${trigger} ${text}`);
  switch (outcome.kind) {
    case 'not-enabled':
      return `Learnings are not enabled in this forgebot: they are kept in its audit database (PostgreSQL with \`DATABASE_URL\`, or PGlite), and this deployment runs without one (\`AUDIT_STORE=off\`). Nothing was recorded.`;
    case 'unclear':
      return `${command('learn')}: ${outcome.reason} For example ${command('learn we log raw SQL in dev on purpose')}, or ${command('learn --for security <text>')} for one reviewer; ${command('learn list')} shows this repository's learnings.`;
    case 'refused':
      return `${command('learn accept')} and ${command('learn remove')} need ${atLeast(ref.forge, outcome.needed)} on ${repository}; you have ${accessLabel(ref.forge, outcome.level)}. Nothing was done.`;
    case 'added': {
      const { learning } = outcome;
      if (learning.status === 'accepted') {
        return `Learned for ${repository}, for ${forWhom(learning)}: ${untrusted(learning.text)}\n\nLater reviews of this repository are told it (learning ${codeSpan(learning.id)}, expires ${day(learning.expiresAt)}). ${command(`learn remove ${learning.id}`)} removes it.`;
      }
      return [
        `Proposed learning ${codeSpan(learning.id)} for ${repository}, for ${forWhom(learning)}: ${untrusted(learning.text)}`,
        '',
        `It takes effect once a maintainer accepts it: ${command(`learn accept ${learning.id}`)} here (${atLeast(ref.forge, context.approveAccess)}), or ${codeSpan(`forgebot learnings accept ${learning.id}`)}.`,
      ].join('\n');
    }
    case 'accepted':
      return `Accepted learning ${codeSpan(outcome.learning.id)} for ${repository}, for ${forWhom(outcome.learning)} (expires ${day(outcome.learning.expiresAt)}): ${untrusted(outcome.learning.text)}\n\nLater reviews of this repository are told it.`;
    case 'removed':
      return `Removed learning ${codeSpan(outcome.learning.id)} from ${repository}: later reviews are no longer told it.`;
    case 'not-found':
      return `No learning ${codeSpan(outcome.id)} in ${repository}. ${command('learn list')} shows this repository's learnings. Nothing was done.`;
    case 'listed': {
      if (outcome.total === 0) return `No learnings for ${repository} yet. ${command('learn <text>')} proposes one.`;
      const now = context.now ?? new Date();
      const more = outcome.total > outcome.learnings.length ? ['', `… and ${outcome.total - outcome.learnings.length} more: ${codeSpan(`forgebot learnings list --repository ${ref.projectPath}`)}.`] : [];
      return [
        `Learnings of ${repository} (${outcome.total}, newest first; only accepted, unexpired ones are told to reviews):`,
        '',
        ...outcome.learnings.map((learning) => listLine(learning, now)),
        ...more,
      ].join('\n');
    }
  }
}
