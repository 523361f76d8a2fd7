#!/usr/bin/env bash
# Compiles policies/ into one wasm bundle per cluster type: build/policies/<type>/{policy.wasm,data.json,.manifest}.
# The revision is a hash of the sources, so the same policies always carry the same revision.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$N3R_ROOT/scripts/lib/tools.sh"
with_cache_lock ensure_opa

out="${1:-$N3R_ROOT/build/policies}"
mkdir -p "$out"
# The builtins opa-wasm can evaluate, with the language features of this opa: a policy that uses
# anything else fails here, at build time, instead of at evaluation. rego.metadata.chain and
# rego.metadata.rule stay: the compiler replaces their calls by the annotations themselves, so the wasm
# never calls them (denials show their package's METADATA this way; policies/README.md#metadata).
capabilities="$out/capabilities.json"
"$OPA_BIN" capabilities --current | node -e '
  const current = JSON.parse(require("fs").readFileSync(0, "utf8"));
  const wasm = require(process.argv[1]);
  const supported = new Set(wasm.builtins.map((b) => b.name));
  const constant = new Set(["rego.metadata.chain", "rego.metadata.rule"]);
  current.builtins = current.builtins.filter((b) => supported.has(b.name) || constant.has(b.name));
  process.stdout.write(JSON.stringify(current));
' "$N3R_ROOT/node_modules/@open-policy-agent/opa-wasm/capabilities.json" > "$capabilities" \
  || fail "could not derive opa-wasm capabilities"
cd "$N3R_ROOT/policies"
for type in public dedicated stateful; do
  revision="$(find lib "$type" -type f \( -name '*.rego' -o -name 'data.json' \) ! -name '*_test.rego' -print0 \
    | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-12)"
  tmp="$(mktemp -d)"
  "$OPA_BIN" build -t wasm -e "n3r/$type/decision" --revision "$type-$revision" --ignore '*_test.rego' \
    --capabilities "$capabilities" \
    -o "$tmp/bundle.tar.gz" lib "$type" || fail "opa build failed for the $type bundle"
  # Bundle members are absolute (/policy.wasm); tar's note that it strips the slash is noise.
  tar -xzf "$tmp/bundle.tar.gz" -C "$tmp" 2>/dev/null || fail "cannot unpack the $type bundle"
  mkdir -p "$out/$type"
  # The manifest goes last: a reader that sees the new revision also sees the new policy and data.
  mv "$tmp/policy.wasm" "$tmp/data.json" "$out/$type/"
  mv "$tmp/.manifest" "$out/$type/.manifest"
  rm -rf "$tmp"
  progress "policy bundle $type-$revision -> ${out#"$N3R_ROOT"/}/$type"
done
