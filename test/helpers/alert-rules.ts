// The chart's alert rules as promtool reads them, and promtool itself (from scripts/setup.sh, or on PATH).
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { renderChart } from './helm-render.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
export const ALERTS_DIR = `${root}deploy/prometheus`;
export const RULE_FILE = `${ALERTS_DIR}/forgebot-alerts.rules.yaml`;
export const RULE_TESTS = `${ALERTS_DIR}/forgebot-alerts.test.yaml`;

/** The values the rule file is rendered with: the alerts on, everything else the chart's defaults. */
export const ALERT_VALUES = { networkPolicy: { forge: [{ cidr: '203.0.113.10/32', ports: [443] }] }, metrics: { alerts: { enabled: true } } };

/** The rule groups of the chart's PrometheusRule, rendered for release and namespace "forgebot". */
export function renderedAlertGroups(values: Record<string, unknown> = ALERT_VALUES): unknown[] {
  const rule = renderChart(values, 'forgebot', 'forgebot').manifests.find((m) => m.kind === 'PrometheusRule');
  if (!rule) throw new Error('the chart rendered no PrometheusRule with metrics.alerts.enabled');
  return (rule as unknown as { spec: { groups: unknown[] } }).spec.groups;
}

/** A Prometheus rule file holding these groups, with a header saying where it comes from. */
export function alertRuleFile(groups: unknown[]): string {
  const header = [
    '# Generated from deploy/helm/forgebot/templates/prometheusrule.yaml (release and namespace "forgebot"): do not edit.',
    '# Regenerate: scripts/render-alert-rules.sh',
    '# Unit tests: promtool test rules deploy/prometheus/forgebot-alerts.test.yaml',
  ];
  return `${header.join('\n')}\n${stringify({ groups }, { lineWidth: 0 })}`;
}

/** Writes RULE_FILE from the chart (scripts/render-alert-rules.sh); returns its path. */
export function writeAlertRuleFile(): string {
  writeFileSync(RULE_FILE, alertRuleFile(renderedAlertGroups()));
  return RULE_FILE;
}

/** promtool's path, or why there is none (scripts/setup.sh extracts it from Debian's prometheus package). */
export function findPromtool(env: NodeJS.ProcessEnv = process.env): { path: string } | { missing: string } {
  const candidates = [env.PROMTOOL, `${root}.tools/prometheus/promtool`, 'promtool'].filter((candidate): candidate is string => Boolean(candidate));
  for (const candidate of candidates) {
    if (candidate.includes('/') && !existsSync(candidate)) continue;
    const probe = spawnSync(candidate, ['--version'], { encoding: 'utf8' });
    if (probe.status === 0) return { path: candidate };
  }
  return { missing: 'promtool is not installed (run scripts/setup.sh: it takes promtool from Debian\'s prometheus package into .tools/prometheus)' };
}

/** Runs promtool; its exit status and output. */
export function promtool(path: string, args: string[], cwd = ALERTS_DIR): { status: number | null; output: string } {
  const run = spawnSync(path, args, { cwd, encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, output: `${run.stdout}${run.stderr}${run.error ? String(run.error) : ''}` };
}
