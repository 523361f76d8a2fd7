#!/usr/bin/env bash
# Builds helm (for the chart's tests and `helm lint`) into the cache once per version; prints its path.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$N3R_ROOT/scripts/lib/tools.sh"
with_cache_lock ensure_helm
echo "$HELM_BIN"
