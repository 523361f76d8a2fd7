#!/usr/bin/env bash
# Runs a command with Node >= 22 and the project's dependencies in place: `with-node.sh tsx file.ts`.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$N3R_ROOT/scripts/lib/node.sh"
ensure_node
ensure_node_modules
export PATH="$N3R_ROOT/node_modules/.bin:$PATH"
exec "$@"
