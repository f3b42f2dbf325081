#!/usr/bin/env bash
# Runs a command with the project's tools first on PATH (the local Node.js 24, when setup installed one).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
if [ -x "$ROOT/.tools/node/node_modules/node/bin/node" ]; then export PATH="$ROOT/.tools/node/node_modules/node/bin:$PATH"; fi
if [ -f "$ROOT/.tools/temporal-path" ]; then export TEMPORAL_CLI_PATH=${TEMPORAL_CLI_PATH:-$(cat "$ROOT/.tools/temporal-path")}; fi
exec "$@"
