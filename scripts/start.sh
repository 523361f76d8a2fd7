#!/usr/bin/env bash
# `npm start`: the whole product on this machine on embedded defaults: Redis, the local control plane,
# the Slack emulator, and the bot and worker. Ctrl-C stops everything it started.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$N3R_ROOT/scripts/lib/node.sh"
cd "$N3R_ROOT"
ensure_node
ensure_node_modules
bash scripts/ensure-tools.sh >/dev/null
bash scripts/build-policies.sh
exec node --import tsx scripts/start-local.ts "$@"
