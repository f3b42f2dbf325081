import { userInfo } from 'node:os';
import type { Config } from '../../config.js';
import type { AuditStore } from '../../audit/audit-store.js';
import { learningOrigin, type Learning, type LearningChange, type LearningStatus } from '../../audit/memory/review-memory-store.js';
import { SpecialistName } from '../../domain/specialist-name.js';
import { DEFAULT_LEARNING_EXPIRY_DAYS, typedLearningText } from '../../activities/finding-outcomes/learning-proposal.js';
import { MemoryUsageError, parseExpiry, withMemory } from './memory-store.js';
import { textTable } from './text-table.js';

/** Without `--expires`, an accepted learning lapses after this long (a maintainer renews it with `edit --expires`). */
export const DEFAULT_EXPIRY = `${DEFAULT_LEARNING_EXPIRY_DAYS}d`;

export type LearningsCommand =
  | { action: 'list'; repository?: string; status?: string; json: boolean }
  | { action: 'show'; id: string; json: boolean }
  | { action: 'accept'; id: string; expires?: string; as?: string }
  | { action: 'edit'; id: string; text?: string; specialist?: string; expires?: string }
  | { action: 'remove'; id: string }
  | { action: 'add'; repository: string; text: string; specialist?: string; expires?: string; as?: string };

/** A learning's text as typed by an operator: cleaned like any text that reaches a prompt, 1 to 500 characters. */
function learningText(text: string): string {
  const typed = typedLearningText(text);
  if (!typed.ok) throw new MemoryUsageError(`--text: 1 to 500 characters (got ${typed.length})`);
  return typed.text;
}

function specialistOf(value: string): SpecialistName {
  const parsed = SpecialistName.safeParse(value);
  if (!parsed.success) throw new MemoryUsageError(`--specialist ${JSON.stringify(value)}: one of ${SpecialistName.options.join(', ')} (or all, with edit)`);
  return parsed.data;
}

function statusOf(value: string | undefined): LearningStatus | undefined {
  if (value === undefined || value === 'proposed' || value === 'accepted') return value;
  throw new MemoryUsageError(`--status ${JSON.stringify(value)}: proposed or accepted`);
}

/** Where a learning came from: `reply !7`, `command !7`, `pattern !19` (the latest change of the pattern), `operator`. */
function from(entry: Learning): string {
  const origin = learningOrigin(entry);
  return entry.sourceChange !== undefined && origin !== 'operator' ? `${origin} !${entry.sourceChange}` : origin;
}

const day = (at: Date | undefined) => (at ? at.toISOString().slice(0, 10) : '-');

export function learningsTable(learnings: readonly Learning[]): string {
  if (learnings.length === 0) return 'no learnings match\n';
  const rows = learnings.map((entry) => [entry.id, entry.status, entry.repository, entry.specialist ?? 'all', day(entry.expiresAt), entry.author, from(entry), entry.text.length > 80 ? `${entry.text.slice(0, 79)}…` : entry.text]);
  return textTable(['id', 'status', 'repository', 'for', 'expires', 'author', 'from', 'text'], rows);
}

function learningDetail(entry: Learning): string {
  const lines: Array<[string, string | undefined]> = [
    ['id', entry.id],
    ['status', entry.status],
    ['repository', entry.repository],
    ['from', learningOrigin(entry)],
    ['source change', entry.sourceChange !== undefined ? `!${entry.sourceChange}` : undefined],
    ['pattern', entry.patternKey],
    ['author', entry.author],
    ['for', entry.specialist ?? 'every reviewer'],
    ['accepted by', entry.acceptedBy],
    ['created', entry.createdAt.toISOString()],
    ['expires', entry.expiresAt?.toISOString() ?? (entry.status === 'accepted' ? 'never' : undefined)],
    ['text', entry.text],
  ];
  return lines.flatMap(([name, value]) => (value === undefined ? [] : [`${`${name}:`.padEnd(15)}${value}`])).join('\n') + '\n';
}

const asJson = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** `forgebot learnings …`: what maintainers teach forgebot's reviews of a repository (an operator is a maintainer). */
export async function runLearningsCommand(config: Config, command: LearningsCommand, out: (text: string) => void = (text) => process.stdout.write(text), given?: AuditStore): Promise<void> {
  const found = (entry: Learning | undefined, id: string): Learning => {
    if (!entry) throw new MemoryUsageError(`no learning ${JSON.stringify(id)}`);
    return entry;
  };
  await withMemory(config, given, async (memory) => {
    switch (command.action) {
      case 'list': {
        const status = statusOf(command.status);
        const learnings = await memory.listLearnings({ ...(command.repository !== undefined ? { repository: command.repository } : {}), ...(status ? { status } : {}) });
        return out(command.json ? asJson(learnings.map((entry) => ({ ...entry, origin: learningOrigin(entry) }))) : learningsTable(learnings));
      }
      case 'show': {
        const entry = found(await memory.getLearning(command.id), command.id);
        return out(command.json ? asJson({ ...entry, origin: learningOrigin(entry) }) : learningDetail(entry));
      }
      case 'accept': {
        const expiresAt = parseExpiry(command.expires ?? DEFAULT_EXPIRY);
        const entry = found(await memory.acceptLearning(command.id, command.as ?? userInfo().username, expiresAt), command.id);
        return out(`accepted ${entry.id} for ${entry.repository} (expires ${entry.expiresAt?.toISOString() ?? 'never'})\n`);
      }
      case 'edit': {
        const change: LearningChange = {
          ...(command.text !== undefined ? { text: learningText(command.text) } : {}),
          ...(command.specialist !== undefined ? { specialist: command.specialist === 'all' ? null : specialistOf(command.specialist) } : {}),
          ...(command.expires !== undefined ? { expiresAt: parseExpiry(command.expires) } : {}),
        };
        if (Object.keys(change).length === 0) throw new MemoryUsageError('edit: give --text, --specialist or --expires');
        const entry = found(await memory.editLearning(command.id, change), command.id);
        return out(`edited ${entry.id}\n`);
      }
      case 'remove': {
        if (!(await memory.removeLearning(command.id))) throw new MemoryUsageError(`no learning ${JSON.stringify(command.id)}`);
        return out(`removed ${command.id}\n`);
      }
      case 'add': {
        const by = command.as ?? userInfo().username;
        const expiresAt = parseExpiry(command.expires ?? DEFAULT_EXPIRY);
        const [entry] = await memory.addLearnings([
          {
            repository: command.repository,
            text: learningText(command.text),
            author: by,
            status: 'accepted',
            acceptedBy: by,
            ...(command.specialist !== undefined ? { specialist: specialistOf(command.specialist) } : {}),
            ...(expiresAt ? { expiresAt } : {}),
          },
        ]);
        return out(`added ${found(entry, 'new').id} for ${command.repository}\n`);
      }
    }
  });
}
