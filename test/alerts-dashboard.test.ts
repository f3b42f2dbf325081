// The chart's monitoring: the PrometheusRule renders (Helm's own engine) exactly the rule file that promtool unit-tests
// (`promtool test rules`: each alert fires and does not fire on synthetic series), and `promtool check rules` accepts
// it as extracted from the chart; the Grafana dashboard ConfigMap carries the sidecar's label and valid JSON whose
// queries parse and name only metrics the workers' registry has; the worker pods expose their metrics port.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Histogram } from 'prom-client';
import { parse, stringify } from 'yaml';
import { workerRegistry } from '../src/workers/metrics/forgebot-metrics.js';
import { ALERT_VALUES, alertRuleFile, findPromtool, promtool, renderedAlertGroups, RULE_FILE, RULE_TESTS } from './helpers/alert-rules.js';
import { chartDir, helmUnavailable, renderChart, type Rendered } from './helpers/helm-render.js';
import { validateManifest, type Manifest } from './helpers/kubernetes-schemas.js';

const inCi = process.env.CI === 'true';
const helmMissing = helmUnavailable();
const found = findPromtool();
const promtoolMissing = 'missing' in found ? found.missing : undefined;
if (inCi && helmMissing) throw new Error(`the chart cannot be rendered in CI: ${helmMissing}`);
if (inCi && promtoolMissing) throw new Error(`the alert rules cannot be tested in CI: ${promtoolMissing}`);
const skipHelm = helmMissing ? `skipped: ${helmMissing}` : false;
const skipPromtool = promtoolMissing ? `skipped: ${promtoolMissing}` : false;
const promtoolPath = 'path' in found ? found.path : 'promtool';

const FORGE = ALERT_VALUES.networkPolicy;
const ALL_ON = { networkPolicy: FORGE, metrics: { alerts: { enabled: true }, dashboard: { enabled: true }, podMonitor: { enabled: true } } };

interface AlertRule { alert: string; expr: string; for?: string; labels?: Record<string, string>; annotations?: Record<string, string> }
interface Target { expr?: string }
interface Panel { id: number; type: string; title: string; targets?: Target[]; gridPos: { x: number; y: number; w: number; h: number }; datasource?: { uid?: string } }

const find = (rendered: Rendered, kind: string) => rendered.manifests.filter((m) => m.kind === kind);
const ruleFileGroups = async () => (parse(await readFile(RULE_FILE, 'utf8')) as { groups: unknown[] }).groups;
const dashboardFile = async () => JSON.parse(await readFile(`${chartDir}/dashboards/forgebot.json`, 'utf8')) as { uid: string; title: string; panels: Panel[]; templating: { list: { name: string }[] } };
const queriesOf = (panels: Panel[]) => panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr ?? '' })));

/** Every metric name in the workers' registry, with the series names a histogram adds. */
function registryNames(): Set<string> {
  const names = new Set<string>();
  for (const metric of workerRegistry.getMetricsAsArray()) {
    names.add(metric.name);
    if (metric instanceof Histogram) for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${metric.name}${suffix}`);
  }
  return names;
}

const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset']);

/** The metric names a PromQL expression selects: identifiers outside strings, matchers, ranges and label lists, not called. */
function metricNamesOf(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  return [...stripped.matchAll(/(?<![\w$.])([a-zA-Z_:][\w:]*)(?!\s*\(|[\w:])/g)].map((match) => match[1] ?? '').filter((name) => !KEYWORDS.has(name));
}

/** A dashboard query as PromQL: Grafana's variables replaced by what they stand for. */
const asPromql = (expr: string) => expr.replace(/\$__rate_interval|\$__interval|\$__range/g, '5m').replace(/\$namespace/g, '.*');

describe('alert rules', () => {
  test('promtool test rules: each alert fires on its synthetic series, and does not where it should not', { skip: skipPromtool }, () => {
    const run = promtool(promtoolPath, ['test', 'rules', RULE_TESTS]);
    assert.equal(run.status, 0, run.output);
    assert.match(run.output, /SUCCESS/);
  });

  test('the chart renders one PrometheusRule whose rules are exactly the tested rule file', { skip: skipHelm }, async () => {
    const rendered = renderChart(ALERT_VALUES);
    assert.deepEqual(rendered.lintProblems, []);
    const [rule, ...more] = find(rendered, 'PrometheusRule');
    assert.equal(more.length, 0);
    assert.equal(rule?.apiVersion, 'monitoring.coreos.com/v1');
    const groups = (rule as unknown as { spec: { groups: unknown[] } }).spec.groups;
    assert.deepEqual(groups, await ruleFileGroups(), 'deploy/prometheus/forgebot-alerts.rules.yaml is out of date: run scripts/render-alert-rules.sh');
  });

  test('promtool check rules accepts the rules as extracted from the rendered chart', { skip: skipHelm || skipPromtool }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'forgebot-rules-'));
    try {
      await writeFile(join(dir, 'extracted.rules.yaml'), alertRuleFile(renderedAlertGroups()));
      const check = promtool(promtoolPath, ['check', 'rules', 'extracted.rules.yaml'], dir);
      assert.equal(check.status, 0, check.output);
      assert.match(check.output, /SUCCESS: 5 rules found/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('the four alerts of the plan, each with a severity, a summary, a description and a runbook hint, on metrics the workers export', { skip: skipHelm }, () => {
    const groups = renderedAlertGroups() as { name: string; rules: AlertRule[] }[];
    const rules = groups.flatMap((group) => group.rules);
    assert.deepEqual(rules.map((rule) => rule.alert), ['ForgebotAgentQueueBacklog', 'ForgebotAgentJobFailureRate', 'ForgebotRunnerPodFailures', 'ForgebotPodRestarts', 'ForgebotApiRateLimited']);
    const known = registryNames();
    for (const rule of rules) {
      assert.ok(rule.labels?.severity, `${rule.alert}: a severity`);
      for (const annotation of ['summary', 'description', 'runbook']) assert.ok((rule.annotations?.[annotation] ?? '').length > 20, `${rule.alert}: ${annotation}`);
      const names = metricNamesOf(rule.expr);
      assert.ok(names.length > 0, `${rule.alert} selects a metric`);
      // kube-state-metrics' own series is the one name forgebot does not export.
      for (const name of names.filter((n) => n !== 'kube_pod_container_status_restarts_total')) assert.ok(known.has(name), `${rule.alert}: ${name} is a metric of the workers' registry`);
    }
    assert.match(rules[0]?.expr ?? '', /> 10$/);
    assert.equal(rules[0]?.for, '5m');
    assert.match(rules[1]?.expr ?? '', /\[1h\][\s\S]*> 0\.2/);
    assert.match(rules[4]?.expr ?? '', /status="rate_limited"\}\[10m\]/);
  });

  test('alerts are off by default; without kube-state-metrics the restart alert is left out', { skip: skipHelm }, () => {
    assert.equal(find(renderChart({ networkPolicy: FORGE }), 'PrometheusRule').length, 0);
    const groups = renderedAlertGroups({ ...ALERT_VALUES, metrics: { alerts: { enabled: true, kubeStateMetrics: false, labels: { release: 'kube-prometheus-stack' } } } }) as { rules: AlertRule[] }[];
    assert.deepEqual(groups.flatMap((g) => g.rules.map((r) => r.alert)), ['ForgebotAgentQueueBacklog', 'ForgebotAgentJobFailureRate', 'ForgebotRunnerPodFailures', 'ForgebotApiRateLimited']);
    const rule = find(renderChart({ networkPolicy: FORGE, metrics: { alerts: { enabled: true, labels: { release: 'kube-prometheus-stack' } } } }), 'PrometheusRule')[0];
    assert.equal(rule?.metadata.labels?.release, 'kube-prometheus-stack', 'the labels a Prometheus selects rules by');
  });

  test('the restart alert names this release\'s pods in its namespace', { skip: skipHelm }, () => {
    const rule = find(renderChart({ ...ALERT_VALUES, fullnameOverride: 'bot' }, 'prod', 'tools'), 'PrometheusRule')[0] as unknown as { spec: { groups: { rules: AlertRule[] }[] } };
    const restarts = rule.spec.groups[0]?.rules.find((r) => r.alert === 'ForgebotPodRestarts');
    assert.match(restarts?.expr ?? '', /namespace="tools", pod=~"bot-\(server\|worker\|agent-worker\)-\.\+"/);
  });
});

describe('Grafana dashboard', () => {
  test('the chart provisions it as a ConfigMap with the sidecar\'s label, holding the dashboard file as valid JSON', { skip: skipHelm }, async () => {
    const rendered = renderChart(ALL_ON);
    assert.deepEqual(rendered.lintProblems, []);
    const config = find(rendered, 'ConfigMap').find((m) => m.metadata.name === 'forgebot-dashboard');
    assert.ok(config, 'the dashboard ConfigMap');
    await validateManifest(config);
    assert.equal(config.metadata.labels?.grafana_dashboard, '1');
    const json = (config as unknown as { data: Record<string, string> }).data['forgebot.json'] ?? '';
    assert.deepEqual(JSON.parse(json), await dashboardFile());
    assert.equal(find(renderChart({ networkPolicy: FORGE }), 'ConfigMap').filter((m) => m.metadata.name === 'forgebot-dashboard').length, 0, 'off by default');
    const custom = find(renderChart({ networkPolicy: FORGE, metrics: { dashboard: { enabled: true, label: 'grafana.io/dashboard', labelValue: 'forgebot', annotations: { grafana_folder: 'Bots' } } } }), 'ConfigMap').find((m) => m.metadata.name === 'forgebot-dashboard');
    assert.equal(custom?.metadata.labels?.['grafana.io/dashboard'], 'forgebot');
    assert.equal(custom?.metadata.annotations?.grafana_folder, 'Bots');
  });

  test('its panels: queue backlog, throughput, p50/p95 latencies, failure rates, cost per repository per day, approvals waiting', async () => {
    const dashboard = await dashboardFile();
    const panels = dashboard.panels.filter((panel) => panel.type !== 'row');
    const titles = panels.map((panel) => panel.title);
    for (const wanted of [/queue backlog/i, /throughput/i, /p50 \/ p95/, /failure rate/i, /cost per repository per day/i, /approvals waiting/i]) {
      assert.ok(titles.some((title) => wanted.test(title)), `a panel ${wanted} (have: ${titles.join(', ')})`);
    }
    const latency = panels.find((panel) => /p50 \/ p95/.test(panel.title));
    assert.deepEqual(latency?.targets?.map((t) => /histogram_quantile\((0\.\d+),/.exec(t.expr ?? '')?.[1]), ['0.5', '0.95']);
    assert.match(queriesOf(panels).find((q) => /cost per repository/i.test(q.panel))?.expr ?? '', /by \(forge, repository\) \(increase\(forgebot_agent_cost_usd_total\{.*\}\[1d\]\)\)/);
    for (const panel of panels) {
      assert.ok((panel.targets ?? []).length > 0, `${panel.title}: a query`);
      assert.equal(panel.datasource?.uid, '${datasource}', `${panel.title}: the data source variable`);
    }
    assert.equal(new Set(dashboard.panels.map((panel) => panel.id)).size, dashboard.panels.length, 'panel ids are unique');
    const cells = new Set<string>();
    for (const { gridPos: { x, y, w, h }, title } of dashboard.panels) {
      assert.ok(x >= 0 && x + w <= 24, `${title} fits the 24-column grid`);
      for (let col = x; col < x + w; col++) for (let row = y; row < y + h; row++) {
        assert.ok(!cells.has(`${col},${row}`), `${title} overlaps another panel at ${col},${row}`);
        cells.add(`${col},${row}`);
      }
    }
    assert.deepEqual(dashboard.templating.list.map((v) => v.name), ['datasource', 'namespace']);
  });

  test('every query names only metrics of the workers\' registry', async () => {
    const known = registryNames();
    const queries = queriesOf((await dashboardFile()).panels);
    assert.ok(queries.length >= 10);
    for (const { panel, expr } of queries) {
      const names = metricNamesOf(expr);
      assert.ok(names.length > 0, `${panel}: ${expr} selects a metric`);
      for (const name of names) assert.ok(known.has(name), `${panel}: ${name} is not a metric of the workers' registry`);
    }
    assert.deepEqual(metricNamesOf('sum by (le) (rate(x_bucket{a="b{c}"}[5m])) / on (job) group_left (pod) y_total offset 5m and bool z'), ['x_bucket', 'y_total', 'z'], 'the name extraction itself');
  });

  test('every query is valid PromQL (promtool check rules on them as recording rules)', { skip: skipPromtool }, async () => {
    const queries = queriesOf((await dashboardFile()).panels);
    const rules = queries.map((query, index) => ({ record: `dashboard:query_${index}`, expr: asPromql(query.expr) }));
    const dir = await mkdtemp(join(tmpdir(), 'forgebot-dashboard-'));
    try {
      await writeFile(join(dir, 'dashboard.rules.yaml'), stringify({ groups: [{ name: 'dashboard', rules }] }));
      const check = promtool(promtoolPath, ['check', 'rules', 'dashboard.rules.yaml'], dir);
      assert.equal(check.status, 0, check.output);
      assert.match(check.output, new RegExp(`SUCCESS: ${rules.length} rules found`));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('worker metrics in the chart', { skip: skipHelm }, () => {
  interface Pod { metadata?: { annotations?: Record<string, string> }; spec: { containers: { ports?: { name: string; containerPort: number }[] }[] } }
  const podOf = (rendered: Rendered, name: string) => (rendered.manifests.find((m) => m.kind === 'Deployment' && m.metadata.name === name) as unknown as { spec: { template: Pod } }).spec.template;

  test('worker and agent-worker pods expose port "metrics" (WORKER_METRICS_PORT), annotated for scraping unless turned off', () => {
    const rendered = renderChart({ networkPolicy: FORGE });
    for (const name of ['forgebot-worker', 'forgebot-agent-worker']) {
      const pod = podOf(rendered, name);
      assert.deepEqual(pod.spec.containers[0]?.ports, [{ name: 'metrics', containerPort: 9464, protocol: 'TCP' }]);
      const annotations = pod.metadata?.annotations ?? {};
      assert.deepEqual([annotations['prometheus.io/scrape'], annotations['prometheus.io/port'], annotations['prometheus.io/path']], ['true', '9464', '/metrics'], name);
    }
    const settings = rendered.manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === 'forgebot') as unknown as { data: Record<string, string> };
    assert.equal(settings.data.WORKER_METRICS_PORT, '9464');
    const moved = renderChart({ networkPolicy: FORGE, metrics: { workerPort: 9500, scrapeAnnotations: false } });
    assert.equal(podOf(moved, 'forgebot-worker').spec.containers[0]?.ports?.[0]?.containerPort, 9500);
    assert.equal(podOf(moved, 'forgebot-worker').metadata?.annotations?.['prometheus.io/scrape'], undefined);
  });

  test('a PodMonitor, when asked for, scrapes the server\'s and the workers\' /metrics', () => {
    const rendered = renderChart({ networkPolicy: FORGE, metrics: { podMonitor: { enabled: true, labels: { release: 'kube-prometheus-stack' } } } });
    const [monitor] = find(rendered, 'PodMonitor') as (Manifest & { spec: { selector: { matchLabels: Record<string, string>; matchExpressions: { values: string[] }[] }; podMetricsEndpoints: { port: string; path: string }[] } })[];
    assert.ok(monitor);
    assert.equal(monitor.metadata.labels?.release, 'kube-prometheus-stack');
    assert.deepEqual(monitor.spec.podMetricsEndpoints.map((e) => `${e.port} ${e.path}`), ['http /metrics', 'metrics /metrics']);
    assert.deepEqual(monitor.spec.selector.matchExpressions[0]?.values, ['server', 'worker', 'agent-worker']);
    assert.equal(monitor.spec.selector.matchLabels['app.kubernetes.io/instance'], 'forgebot');
    assert.equal(find(renderChart({ networkPolicy: FORGE }), 'PodMonitor').length, 0, 'off by default');
  });
});
