#!/usr/bin/env bash
# `npm test`: brings in what is missing, then typecheck, lint, import cycles, opa test, and every
# vitest suite (whose global set-up starts Redis and the control plane and stops them after).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$N3R_ROOT/scripts/lib/node.sh"
source "$N3R_ROOT/scripts/lib/tools.sh"
cd "$N3R_ROOT"

ensure_node
ensure_node_modules
export PATH="$N3R_ROOT/node_modules/.bin:$PATH"
# Builds or installs every service binary now, with progress, rather than inside a test's time limit.
bash scripts/ensure-tools.sh >/dev/null
with_cache_lock ensure_opa

step() { progress "$1"; shift; "$@"; }
step "typecheck (tsc --noEmit)" tsc --noEmit
step "lint (biome check)" biome check .
step "import cycles (madge --circular)" madge --circular --extensions ts src scripts test
for type in public dedicated stateful; do
  step "opa test: lib + $type" "$OPA_BIN" test policies/lib "policies/$type"
done
step "vitest" vitest run "$@"
