#!/usr/bin/env bash
# `npm test`: brings in what is missing, then typecheck, lint, import cycles, opa test, and every
# vitest suite (whose global set-up starts Redis and the control plane and stops them after).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$N3R_ROOT/scripts/lib/node.sh"
cd "$N3R_ROOT"

ensure_node
ensure_node_modules
export PATH="$N3R_ROOT/node_modules/.bin:$PATH"
# Builds or installs every service binary now, with progress, rather than inside a test's time limit.
bash scripts/ensure-tools.sh chromium >/dev/null

step() { progress "$1"; shift; "$@"; }
step "typecheck (tsc --noEmit)" tsc --noEmit
step "lint (biome check)" biome check .
step "import cycles (madge --circular)" madge --circular --extensions ts src scripts test bench devtools
step "policy tests and coverage (opa test per cluster type)" node --import tsx scripts/policy-cli.ts test --min-coverage 90
step "vitest" vitest run "$@"
