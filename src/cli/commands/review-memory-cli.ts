import type { Command } from 'commander';
import type { Config } from '../../config.js';
import { AuditUsageError } from './audit.js';
import { runLearningsCommand, type LearningsCommand } from './learnings.js';
import { runMemoryStats } from './memory.js';
import { MemoryUsageError } from './memory-store.js';

type WithConfig = (action: (config: Config) => Promise<void>) => Promise<void>;

/** A usage error is one line on stderr and exit code 2; anything else goes up. */
async function guarded(name: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (!(error instanceof MemoryUsageError) && !(error instanceof AuditUsageError)) throw error;
    process.stderr.write(`forgebot ${name}: ${error.message}\n`);
    process.exitCode = 2;
  }
}

/** The options commander gave, without those left out (exactOptionalPropertyTypes: absent, never undefined). */
type Defined<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & { [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined> };
const defined = <T extends object>(options: T) => Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Defined<T>;

/** `forgebot memory stats` and `forgebot learnings list|show|accept|edit|remove|add` (review memory). */
export function registerReviewMemoryCommands(program: Command, withConfig: WithConfig): void {
  const learnings = (command: LearningsCommand) => guarded(`learnings ${command.action}`, () => withConfig((config) => runLearningsCommand(config, command)));
  program
    .command('memory')
    .description("review memory: what became of forgebot's findings")
    .command('stats')
    .description('per repository and specialist: findings, fixed, resolved, won\'t fix, false positive, ignored, and the acceptance rate (fixed + resolved) / all')
    .option('--repository <path>', 'only this repository (group/project or owner/repo)')
    .option('--since <when>', 'outcomes recorded since an age (30d, the default) or an ISO date')
    .option('--json', 'print JSON')
    .action((options: { repository?: string; since?: string; json?: boolean }) => guarded('memory stats', () => withConfig((config) => runMemoryStats(config, { ...defined({ repository: options.repository, since: options.since }), json: options.json === true }))));

  const group = program.command('learnings').description("learnings fed into a repository's reviews once a maintainer accepted them (an operator is a maintainer)");
  group
    .command('list')
    .option('--repository <path>', 'only this repository')
    .option('--status <status>', 'proposed or accepted')
    .option('--json', 'print JSON')
    .action((options: { repository?: string; status?: string; json?: boolean }) => learnings({ action: 'list', ...defined({ repository: options.repository, status: options.status }), json: options.json === true }));
  group.command('show <id>').option('--json', 'print JSON').action((id: string, options: { json?: boolean }) => learnings({ action: 'show', id, json: options.json === true }));
  group
    .command('accept <id>')
    .description('accept a proposed learning: later reviews of its repository are told it')
    .option('--expires <age>', 'lapses after this age (default 90d), or never')
    .option('--as <name>', 'who accepts (default: your login name)')
    .action((id: string, options: { expires?: string; as?: string }) => learnings({ action: 'accept', id, ...defined(options) }));
  group
    .command('edit <id>')
    .option('--text <text>', 'the new text (at most 500 characters)')
    .option('--specialist <name>', 'only for this specialist, or all')
    .option('--expires <age>', 'lapses this long from now, or never')
    .action((id: string, options: { text?: string; specialist?: string; expires?: string }) => learnings({ action: 'edit', id, ...defined(options) }));
  group.command('remove <id>').action((id: string) => learnings({ action: 'remove', id }));
  group
    .command('add')
    .description('add an accepted learning')
    .requiredOption('--repository <path>', 'the repository (group/project or owner/repo)')
    .requiredOption('--text <text>', 'what reviewers should know (at most 500 characters)')
    .option('--specialist <name>', 'only for this specialist')
    .option('--expires <age>', 'lapses after this age (default 90d), or never')
    .option('--as <name>', 'who adds it (default: your login name)')
    .action((options: { repository: string; text: string; specialist?: string; expires?: string; as?: string }) => learnings({ action: 'add', ...defined(options) }));
}
