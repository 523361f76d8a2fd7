#!/usr/bin/env bash
# Builds one signed bundle archive per cluster type, as a bundle server serves them: <out>/<type>.tar.gz,
# signed by `opa build --signing-key` so that the bot verifies it (N3R_BUNDLE_VERIFICATION_KEYS).
# The policies, capabilities and revisions are those of scripts/build-policies.sh.
# Usage: scripts/sign-bundles.sh <private-key.pem> <key-id> [out-dir (build/bundles)] [alg (RS256)]
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$N3R_ROOT/scripts/lib/tools.sh"
[ $# -ge 2 ] || fail "usage: scripts/sign-bundles.sh <private-key.pem> <key-id> [out-dir] [signing-alg]"
key="$(realpath "$1")" key_id="$2" out="${3:-$N3R_ROOT/build/bundles}" alg="${4:-RS256}"
[ -r "$key" ] || fail "cannot read the signing key $key"
with_cache_lock ensure_opa
mkdir -p "$out"
out="$(realpath "$out")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
bash "$N3R_ROOT/scripts/build-policies.sh" "$work/unsigned"
for type in public dedicated stateful; do
  revision="$(node -p 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).revision' \
    "$work/unsigned/$type/.manifest")"
  # Bundle mode takes one root: the shared rules and the type's rules, its data.json at the root.
  stage="$work/$type"
  mkdir -p "$stage"
  cp -r "$N3R_ROOT/policies/lib" "$N3R_ROOT/policies/$type" "$stage/"
  mv "$stage/$type/data.json" "$stage/data.json"
  (cd "$stage" && "$OPA_BIN" build --bundle -t wasm -e "n3r/$type/decision" --revision "$revision" \
    --ignore '*_test.rego' --capabilities "$work/unsigned/capabilities.json" \
    --signing-key "$key" --signing-alg "$alg" --verification-key-id "$key_id" \
    -o "$out/$type.tar.gz" .) || fail "opa build failed for the signed $type bundle"
  progress "signed policy bundle $revision -> $out/$type.tar.gz (key $key_id, $alg)"
done
