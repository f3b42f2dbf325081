#!/usr/bin/env bash
# The Temporal CLI with its stdout dropped, for the tests' dev servers: `temporal server start-dev` prints a banner
# there on every start (the SDK passes it on to the test's stdout, so `make test` showed it once per test file). Errors
# (stderr) pass through. The CLI: TEMPORAL_CLI_PATH, else the one setup recorded, else `temporal` on PATH.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cli=${TEMPORAL_CLI_PATH:-}
if [ -z "$cli" ] && [ -f "$ROOT/.tools/temporal-path" ]; then cli=$(cat "$ROOT/.tools/temporal-path"); fi
if [ -z "$cli" ]; then cli=$(command -v temporal || true); fi
if [ -z "$cli" ]; then echo "temporal-quiet: no Temporal CLI (run make setup, or set TEMPORAL_CLI_PATH)" >&2; exit 127; fi
exec "$cli" "$@" >/dev/null
