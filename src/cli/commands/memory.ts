import type { Config } from '../../config.js';
import type { AuditStore } from '../../audit/audit-store.js';
import { acceptanceStats, type AcceptanceStats } from '../../audit/memory/acceptance-stats.js';
import { parseSince } from './audit.js';
import { withMemory } from './memory-store.js';
import { textTable } from './text-table.js';

export interface MemoryStatsCommand {
  repository?: string;
  /** An age (`30d`) or an ISO date; default 30 days. */
  since?: string;
  json: boolean;
}

const percent = (rate: number) => `${(rate * 100).toFixed(1)}%`;

/** The stats as a table for people. */
export function statsTable(stats: readonly AcceptanceStats[]): string {
  if (stats.length === 0) return 'no finding outcomes recorded in that time\n';
  const header = ['repository', 'specialist', 'findings', 'fixed', 'resolved', "won't fix", 'false positive', 'ignored', 'acceptance'];
  const rows = stats.map((row) => [row.repository, row.specialist, ...[row.findings, row.fixed, row.resolved, row.wontFix, row.falsePositive, row.ignored].map(String), percent(row.acceptanceRate)]);
  return textTable(header, rows);
}

/** `forgebot memory stats`: per repository and specialist, what became of forgebot's findings, and the acceptance rate. */
export async function runMemoryStats(config: Config, command: MemoryStatsCommand, out: (text: string) => void = (text) => process.stdout.write(text), given?: AuditStore): Promise<void> {
  const since = parseSince(command.since ?? '30d');
  const stats = await withMemory(config, given, async (memory) => acceptanceStats(await memory.outcomeCounts({ since, ...(command.repository !== undefined ? { repository: command.repository } : {}) })));
  out(command.json ? `${JSON.stringify(stats, null, 2)}\n` : statsTable(stats));
}
