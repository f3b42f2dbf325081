#!/usr/bin/env bash
# Writes deploy/prometheus/forgebot-alerts.rules.yaml: the chart's PrometheusRule (templates/prometheusrule.yaml)
# rendered by Helm's engine (scripts/setup.sh installs it) for release "forgebot" in namespace "forgebot", as the
# plain Prometheus rule file that `promtool test rules deploy/prometheus/forgebot-alerts.test.yaml` unit-tests.
# test/alerts-dashboard.test.ts fails while the file and the chart differ: run this after changing the rules.
set -euo pipefail
cd "$(dirname "$0")/.."
exec ./scripts/with-tools.sh node --import tsx --input-type=module \
  --eval "const { writeAlertRuleFile } = await import('./test/helpers/alert-rules.ts'); process.stdout.write('wrote ' + writeAlertRuleFile() + '\n');"
