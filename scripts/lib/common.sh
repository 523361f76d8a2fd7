# Shared by every shell script: where the cache lives, which versions we pin, how we talk.
# Binaries are kept outside the checkout, keyed by version, so every clone on a machine reuses them.
N3R_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
N3R_CACHE="${N3R_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/n3r-chatops}"
N3R_NODE_VERSION="24.21.0"
export N3R_ROOT N3R_CACHE

progress() { printf '[n3r] %s\n' "$*" >&2; }
fail() { printf '[n3r] error: %s\n' "$*" >&2; exit 1; }

# The version a wrapper module under tools/ pins for a module path, read from its go.mod.
tool_version() {
  awk -v mod="$2" '$1 == "require" && $2 == mod { print $3; exit } $1 == mod && NF >= 2 { print $2; exit }' \
    "$N3R_ROOT/tools/$1/go.mod"
}

# Serialises set-up steps across concurrent runs on one machine (two clones, two test runs).
with_cache_lock() {
  mkdir -p "$N3R_CACHE"
  exec {lock_fd}>"$N3R_CACHE/.lock"
  flock "$lock_fd"
  "$@"
  local rc=$?
  flock -u "$lock_fd"
  return $rc
}
