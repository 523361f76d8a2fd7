# Puts a Node.js >= 22 first on PATH. When the system's is older, the official binary comes from
# the npm registry's `node` package (it carries the release build), installed once into the cache.
ensure_node() {
  local major
  major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
  if [ "$major" -ge 22 ]; then return 0; fi
  local dir="$N3R_CACHE/node-v$N3R_NODE_VERSION"
  if [ ! -x "$dir/node_modules/node/bin/node" ]; then
    progress "system Node is ${major:-missing}; installing Node $N3R_NODE_VERSION from the npm registry into $dir"
    mkdir -p "$dir"
    npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error "node@$N3R_NODE_VERSION" >&2 \
      || fail "could not install node@$N3R_NODE_VERSION from the npm registry"
  fi
  export PATH="$dir/node_modules/node/bin:$PATH"
  node -e 'if (+process.versions.node.split(".")[0] < 22) process.exit(1)' || fail "Node >= 22 is required"
}

# Installs the locked dependencies when node_modules is missing or older than the lockfile.
ensure_node_modules() {
  local stamp="$N3R_ROOT/node_modules/.n3r-lock-stamp"
  if [ -f "$stamp" ] && cmp -s "$stamp" "$N3R_ROOT/package-lock.json"; then return 0; fi
  progress "installing npm dependencies (npm ci)"
  (cd "$N3R_ROOT" && npm ci --no-audit --no-fund --loglevel=error >&2) || fail "npm ci failed"
  cp "$N3R_ROOT/package-lock.json" "$stamp"
}
