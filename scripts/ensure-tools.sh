#!/usr/bin/env bash
# Makes sure every binary the local services need exists, building or installing what is missing,
# then prints their locations as KEY=VALUE lines (progress goes to stderr). `ensure-tools.sh chromium` also
# installs the browser the workspace test drives (N3R_CHROMIUM).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$N3R_ROOT/scripts/lib/tools.sh"

setup() {
  if [ "${1:-}" = chromium ]; then ensure_chromium; fi
  ensure_debian_package redis-server redis-server
  ensure_debian_package openssl openssl
  ensure_opa
  ensure_regal
  ensure_etcd
  ensure_kwok
  ensure_kube
  ensure_alertmanager
  ensure_victorialogs
  ensure_opensearch
}
with_cache_lock setup "$@"

cat <<OUT
N3R_REDIS_SERVER=$(command -v redis-server)
N3R_OPA=$OPA_BIN
N3R_REGAL=$REGAL_BIN
N3R_ETCD=$ETCD_BIN
N3R_KUBE_BIN_DIR=$KUBE_BIN_DIR
N3R_KWOK=$KWOK_BIN
N3R_KWOK_STAGES=$KWOK_STAGES
N3R_ALERTMANAGER=$ALERTMANAGER_BIN
N3R_VICTORIALOGS=$VICTORIALOGS_BIN
N3R_OPENSEARCH_CLASSPATH=$OPENSEARCH_CLASSPATH
N3R_OPENSEARCH_LAUNCHER=$OPENSEARCH_LAUNCHER
N3R_JAVA=$(command -v java)
OUT
if [ "${1:-}" = chromium ]; then echo "N3R_CHROMIUM=$CHROMIUM_BIN"; fi
