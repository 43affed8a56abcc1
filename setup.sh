#!/usr/bin/env bash
# setup.sh: the Flagger + Istio canary tutorial on a local kind cluster, in one command.
# Run `./setup.sh help` for the subcommands. Tests: test/setup/ (they run this script against stub tools).
set -Eeuo pipefail

# ---------------------------------------------------------------------------------------------------------
# Versions and names. Every one of them can be overridden from the environment.
# ---------------------------------------------------------------------------------------------------------
CLUSTER_NAME="${CLUSTER_NAME:-istio-flagger}"
KIND_NODE_IMAGE="${KIND_NODE_IMAGE:-}"            # empty: the default node image of your kind release
INGRESS_PORT="${INGRESS_PORT:-8080}"              # port on localhost where the Istio ingress gateway answers
INGRESS_NODE_PORT="${INGRESS_NODE_PORT:-30080}"   # NodePort of the gateway's http2 port; kind maps INGRESS_PORT to it
ISTIO_RELEASE="${ISTIO_RELEASE:-}"                # empty: derived from istioctl, 1.29.2 gives release-1.29
FLAGGER_VERSION="${FLAGGER_VERSION:-v1.44.0}"
ISTIO_NAMESPACE="${ISTIO_NAMESPACE:-istio-system}"
APP_NAMESPACE="${APP_NAMESPACE:-test}"            # these five must match the synthesized manifests in dist/
CANARY_NAME="${CANARY_NAME:-podinfo}"
PODINFO_CONTAINER="${PODINFO_CONTAINER:-podinfod}"
PODINFO_PORT="${PODINFO_PORT:-9898}"
LOADTESTER_NAME="${LOADTESTER_NAME:-flagger-loadtester}"
PODINFO_IMAGE="${PODINFO_IMAGE:-ghcr.io/stefanprodan/podinfo}"
TRIGGER_TAG="${TRIGGER_TAG:-6.0.2}"               # `trigger` without a TAG uses this one, as the tutorial does
APP_HOST="${APP_HOST:-app.example.com}"
MIN_NODE_MAJOR=20

# Timeouts in seconds, and how long `fail` keeps its faulty traffic going (a `hey -z` duration).
ROLLOUT_TIMEOUT="${ROLLOUT_TIMEOUT:-300}"         # each component's rollout
CANARY_TIMEOUT="${CANARY_TIMEOUT:-300}"           # the Canary's initialization
WATCH_TIMEOUT="${WATCH_TIMEOUT:-1200}"            # `watch` and `fail` give up after this long
WATCH_START_TIMEOUT="${WATCH_START_TIMEOUT:-180}" # how long to wait for an analysis to start
POLL_INTERVAL="${POLL_INTERVAL:-5}"
FAIL_DURATION="${FAIL_DURATION:-10m}"

PROJECT_DIR="${PROJECT_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}"
KUBE_CONTEXT="kind-${CLUSTER_NAME}"

# ---------------------------------------------------------------------------------------------------------
# Output, steps and failure handling
# ---------------------------------------------------------------------------------------------------------
STEP_TITLE=""
STEP_HINT=""
STEP_NUMBER=0
STEP_COUNT=0

say() { printf '%s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }

usage() {
  cat <<EOF
Usage: ./setup.sh [COMMAND]

The Flagger canary tutorial on a local kind cluster with Istio.

Commands:
  up            (default) Check prerequisites, create the kind cluster "$CLUSTER_NAME", install Istio,
                Prometheus and Flagger $FLAGGER_VERSION, synthesize and apply dist/, and wait until the
                Canary $APP_NAMESPACE/$CANARY_NAME is initialized. Safe to run again.
  trigger [TAG] Start a canary release: set podinfo's image to $PODINFO_IMAGE:TAG
                (default $TRIGGER_TAG).
  watch         Follow the Canary (phase, weight, failed checks) and Flagger's messages, explained,
                until the analysis ends. Exit 0 promoted, 1 rolled back, 2 nothing to watch
                (no cluster, no canary, no analysis), 124 still running after WATCH_TIMEOUT.
  fail [TAG]    The rollback demo: start a new revision (TAG, or a restart), make the load tester send
                HTTP 500s and slow requests to $CANARY_NAME-canary, and watch Flagger roll back.
                Exit 0 rolled back, 1 promoted anyway, 2 nothing to watch, 124 timed out.
  status        One screen: the cluster, Istio, Prometheus, Flagger, the workloads and the Canary.
  down          Delete the kind cluster.
  help          Show this help.

Settings (environment variables, current value in brackets):
  CLUSTER_NAME [$CLUSTER_NAME]  INGRESS_PORT [$INGRESS_PORT]  INGRESS_NODE_PORT [$INGRESS_NODE_PORT]
  KIND_NODE_IMAGE [${KIND_NODE_IMAGE:-kind default}]  ISTIO_RELEASE [${ISTIO_RELEASE:-from istioctl}]
  FLAGGER_VERSION [$FLAGGER_VERSION]  ISTIO_NAMESPACE [$ISTIO_NAMESPACE]  APP_NAMESPACE [$APP_NAMESPACE]
  CANARY_NAME [$CANARY_NAME]  PODINFO_CONTAINER [$PODINFO_CONTAINER]  PODINFO_PORT [$PODINFO_PORT]
  LOADTESTER_NAME [$LOADTESTER_NAME]  PODINFO_IMAGE [$PODINFO_IMAGE]  TRIGGER_TAG [$TRIGGER_TAG]
  APP_HOST [$APP_HOST]  ROLLOUT_TIMEOUT [$ROLLOUT_TIMEOUT]  CANARY_TIMEOUT [$CANARY_TIMEOUT]
  WATCH_TIMEOUT [$WATCH_TIMEOUT]  WATCH_START_TIMEOUT [$WATCH_START_TIMEOUT]  POLL_INTERVAL [$POLL_INTERVAL]
  FAIL_DURATION [$FAIL_DURATION]  PROJECT_DIR [$PROJECT_DIR]

setup.sh writes only inside the project (node_modules/, dist/) and the cluster. Creating the cluster
makes kind add the context $KUBE_CONTEXT to your kubeconfig; every other command names that context
explicitly, so your current kubectl context is never used.
EOF
}

usage_error() {
  printf 'setup.sh: %s\n\n' "$1" >&2
  usage >&2
  exit 2
}

# step TITLE HINT: announces a step; HINT is the command to investigate with if the step fails.
step() {
  STEP_NUMBER=$((STEP_NUMBER + 1))
  STEP_TITLE="$1"
  STEP_HINT="${2:-}"
  if [ "$STEP_COUNT" -gt 0 ]; then
    printf '\n==> [%d/%d] %s\n' "$STEP_NUMBER" "$STEP_COUNT" "$STEP_TITLE"
  else
    printf '\n==> %s\n' "$STEP_TITLE"
  fi
}

# step_failed REASON [STATUS]: stops the run, naming the step and the command to investigate with.
step_failed() {
  {
    printf '\nsetup.sh: step "%s" failed: %s\n' "${STEP_TITLE:-setup}" "$1"
    if [ -n "$STEP_HINT" ]; then
      printf 'Investigate with:\n  %s\n' "$STEP_HINT"
    fi
  } >&2
  exit "${2:-1}"
}

on_unexpected_error() {
  local status=$?
  # Subshells only pass their status up; the shell that owns the step reports it once.
  if [ "${BASHPID:-$$}" = "$$" ]; then
    step_failed "'$BASH_COMMAND' exited with status $status" "$status"
  fi
  exit "$status"
}
trap on_unexpected_error ERR

# run CMD...: shows the command, runs it, and stops the step when it fails.
run() {
  local shown="$*" status=0
  if [ "$1" = kc ]; then shown="kubectl --context $KUBE_CONTEXT ${*:2}"; fi
  printf '    $ %s\n' "$shown"
  "$@" || status=$?
  if [ "$status" -ne 0 ]; then
    step_failed "'$shown' exited with status $status" "$status"
  fi
}

kc() { kubectl --context "$KUBE_CONTEXT" "$@"; }

has_line() { grep -Fxq -- "$2" <<<"$1"; }

# ---------------------------------------------------------------------------------------------------------
# Settings and prerequisites
# ---------------------------------------------------------------------------------------------------------
check_settings() {
  local name value
  for name in INGRESS_PORT INGRESS_NODE_PORT ROLLOUT_TIMEOUT CANARY_TIMEOUT WATCH_TIMEOUT WATCH_START_TIMEOUT; do
    value="${!name}"
    [[ "$value" =~ ^[0-9]+$ ]] || usage_error "$name must be a whole number, not '$value'."
  done
  [[ "$POLL_INTERVAL" =~ ^[0-9]+(\.[0-9]+)?$ ]] || usage_error "POLL_INTERVAL must be a number of seconds, not '$POLL_INTERVAL'."
  if [ "$INGRESS_NODE_PORT" -lt 30000 ] || [ "$INGRESS_NODE_PORT" -gt 32767 ]; then
    usage_error "INGRESS_NODE_PORT must be in Kubernetes' NodePort range 30000-32767, not $INGRESS_NODE_PORT."
  fi
  [ -d "$PROJECT_DIR" ] || usage_error "PROJECT_DIR '$PROJECT_DIR' is not a directory."
  [[ "$CLUSTER_NAME" =~ ^[a-z0-9][a-z0-9.-]*$ ]] || usage_error "CLUSTER_NAME must be lower-case letters, digits, '.' and '-', not '$CLUSTER_NAME'."
}

where_to_get() {
  case "$1" in
    docker) say "https://docs.docker.com/get-docker/" ;;
    kind) say "https://kind.sigs.k8s.io/docs/user/quick-start/#installation" ;;
    kubectl) say "https://kubernetes.io/docs/tasks/tools/" ;;
    istioctl) say "https://istio.io/latest/docs/setup/getting-started/#download" ;;
    node | npm) say "https://nodejs.org/en/download (Node.js $MIN_NODE_MAJOR or newer, which includes npm)" ;;
    git) say "https://git-scm.com/downloads (kubectl needs it to fetch Flagger's kustomization)" ;;
  esac
}

have() { command -v "$1" >/dev/null 2>&1; }

ISTIO_VERSION=""

# Reads istioctl's client version: "1.29.2", "client version: 1.29.2" or JSON all give 1.29.2.
istioctl_version() {
  local output
  output=$(istioctl version --remote=false 2>&1) || return 1
  awk 'match($0, /[0-9]+\.[0-9]+(\.[0-9]+)?/) { print substr($0, RSTART, RLENGTH); exit }' <<<"$output"
}

# check_prerequisites TOOL...: lists every missing or unusable tool, then stops before anything changes.
check_prerequisites() {
  local problems="" tool version major
  for tool in "$@"; do
    if ! have "$tool"; then
      problems+="  - $tool: not found. Get it from $(where_to_get "$tool")"$'\n'
      continue
    fi
    case "$tool" in
      docker)
        if ! docker info >/dev/null 2>&1; then
          problems+="  - docker: installed, but the Docker engine is not running ('docker info' failed). Start Docker Desktop or the docker service."$'\n'
        fi
        ;;
      node)
        version=$(node --version 2>/dev/null) || version=""
        major="${version#v}"
        major="${major%%.*}"
        if ! [[ "$major" =~ ^[0-9]+$ ]] || [ "$major" -lt "$MIN_NODE_MAJOR" ]; then
          problems+="  - node: version '${version:-unknown}' is too old; $MIN_NODE_MAJOR or newer is needed. Get it from $(where_to_get node)"$'\n'
        fi
        ;;
      istioctl)
        ISTIO_VERSION=$(istioctl_version) || ISTIO_VERSION=""
        if [ -z "$ISTIO_VERSION" ] && [ -z "$ISTIO_RELEASE" ]; then
          problems+="  - istioctl: 'istioctl version --remote=false' did not print a version, so the matching Prometheus addon cannot be chosen. Reinstall it from $(where_to_get istioctl), or set ISTIO_RELEASE (e.g. release-1.29)."$'\n'
        fi
        ;;
    esac
  done
  if [ -n "$problems" ]; then
    printf 'setup.sh: missing or unusable prerequisites; nothing was changed:\n%s' "$problems" >&2
    exit 1
  fi
}

# ---------------------------------------------------------------------------------------------------------
# Cluster state
# ---------------------------------------------------------------------------------------------------------
cluster_exists() {
  local clusters
  clusters=$(kind get clusters 2>/dev/null) || clusters=""
  has_line "$clusters" "$CLUSTER_NAME"
}

context_exists() {
  local contexts
  contexts=$(kubectl config get-contexts -o name 2>/dev/null) || contexts=""
  has_line "$contexts" "$KUBE_CONTEXT"
}

require_context() {
  if ! context_exists; then
    say "setup.sh: there is no kubectl context '$KUBE_CONTEXT'. Run ./setup.sh first (or set CLUSTER_NAME)." >&2
    exit 2
  fi
}

# The host port kind maps to the gateway's NodePort, or nothing when the cluster has no such mapping.
mapped_ingress_port() {
  local mapping
  mapping=$(docker port "${CLUSTER_NAME}-control-plane" "${INGRESS_NODE_PORT}/tcp" 2>/dev/null) || return 0
  mapping="${mapping%%$'\n'*}"
  if [ -n "$mapping" ]; then say "${mapping##*:}"; fi
}

# "phase|weight|failedChecks" of the Canary; fails when it does not exist.
canary_status() {
  kc -n "$APP_NAMESPACE" get canary "$CANARY_NAME" \
    -o jsonpath='{.status.phase}{"|"}{.status.canaryWeight}{"|"}{.status.failedChecks}'
}

# ---------------------------------------------------------------------------------------------------------
# Flagger's messages, explained by flagger-doctor when it is available
# ---------------------------------------------------------------------------------------------------------
doctor_script() { say "$PROJECT_DIR/bin/flagger-doctor.js"; }

# Flagger's log lines about this canary (JSON lines with msg and canary). Empty when there are none.
flagger_log_lines() {
  kc -n "$ISTIO_NAMESPACE" logs deployment/flagger "$@" 2>/dev/null | grep -F "\"$CANARY_NAME.$APP_NAMESPACE\"" || true
}

# Prints stdin (logs and events) as flagger-doctor's diagnosis; says so when the doctor cannot help.
explain_text() {
  local input doctor output
  input=$(cat)
  doctor=$(doctor_script)
  if [ -z "$input" ]; then
    say "    (Flagger has said nothing about $CANARY_NAME.$APP_NAMESPACE yet)"
    return 0
  fi
  if [ -f "$doctor" ] && output=$(
    if [ -d dist ]; then
      printf '%s\n' "$input" | node "$doctor" explain --manifests dist 2>&1
    else
      printf '%s\n' "$input" | node "$doctor" explain 2>&1
    fi
  ); then
    say "$output"
  else
    say "    (flagger-doctor explain is not available here; the raw messages above are all there is)"
  fi
}

# A small Node program: prints each Flagger log line as "time message", followed by flagger-doctor's
# one-line summary when the doctor recognises the message. Without the doctor, the messages alone.
render_program() {
  cat <<'JS'
const fs = require('fs');
const { spawnSync } = require('child_process');
const [doctor, manifests] = process.argv.slice(1);
const input = fs.readFileSync(0, 'utf8');
const summaries = new Map();
if (fs.existsSync(doctor)) {
  const args = [doctor, 'explain', '--format', 'json'];
  if (fs.existsSync(manifests)) args.push('--manifests', manifests);
  const result = spawnSync(process.execPath, args, { input, encoding: 'utf8' });
  try {
    for (const entry of JSON.parse(result.stdout)) {
      if (entry && entry.message && entry.summary) summaries.set(entry.message, entry.summary);
    }
  } catch (error) {
    // The doctor is missing or failed: the raw messages still get printed.
  }
}
for (const line of input.split('\n')) {
  if (line.trim() === '') continue;
  let message = line;
  let time = '';
  try {
    const parsed = JSON.parse(line);
    message = parsed.msg || line;
    time = parsed.ts || '';
  } catch (error) {
    // Not a JSON log line: print it as it is.
  }
  console.log(`    ${time ? `${time} ` : ''}${message}`);
  if (summaries.has(message)) console.log(`        -> ${summaries.get(message)}`);
}
JS
}

render_flagger_lines() {
  local input
  input=$(cat)
  if ! node -e "$(render_program)" "$(doctor_script)" "$PROJECT_DIR/dist" <<<"$input"; then
    say "$input"
  fi
}

show_canary_diagnostics() {
  local events logs
  events=$(kc -n "$APP_NAMESPACE" get events \
    --field-selector "involvedObject.kind=Canary,involvedObject.name=$CANARY_NAME" \
    --sort-by=.lastTimestamp 2>&1 | tail -n 20) || events=""
  logs=$(flagger_log_lines --tail=300 | tail -n 40)
  say ""
  say "Last events of Canary $APP_NAMESPACE/$CANARY_NAME:"
  say "${events:-    (none)}"
  say ""
  say "Last Flagger log lines about $CANARY_NAME.$APP_NAMESPACE:"
  say "${logs:-    (none)}"
  say ""
  say "What they mean (flagger-doctor explain):"
  printf '%s\n%s\n' "$events" "$logs" | explain_text
}

# ---------------------------------------------------------------------------------------------------------
# up
# ---------------------------------------------------------------------------------------------------------
synthesize() {
  step "Synthesize the manifests into dist/ (before touching any cluster)" \
    "npm run synth   # in $PROJECT_DIR"
  if [ -d node_modules ]; then
    say "    node_modules/ is present; skipping npm ci"
  else
    run npm ci --no-audit --no-fund
  fi
  run npm run synth
  local manifest found=""
  for manifest in dist/*.yaml dist/*.yml dist/*.json; do
    [ -f "$manifest" ] && found=yes
  done
  [ -n "$found" ] || step_failed "'npm run synth' left no manifests in $PROJECT_DIR/dist/"
}

create_cluster() {
  step "Create the kind cluster $CLUSTER_NAME with localhost:$INGRESS_PORT mapped to NodePort $INGRESS_NODE_PORT" \
    "kind get clusters; docker ps --filter name=${CLUSTER_NAME}-control-plane   # is port $INGRESS_PORT already taken? set INGRESS_PORT"
  if cluster_exists; then
    say "    kind cluster $CLUSTER_NAME already exists; reusing it"
    if ! context_exists; then
      run kind export kubeconfig --name "$CLUSTER_NAME"
    fi
    STEP_HINT="docker start ${CLUSTER_NAME}-control-plane   # after a reboot; or recreate it: ./setup.sh down && ./setup.sh"
    run kc cluster-info
    local mapped
    mapped=$(mapped_ingress_port)
    if [ -z "$mapped" ]; then
      warn "cluster $CLUSTER_NAME maps no host port to NodePort $INGRESS_NODE_PORT (it was not created by setup.sh), so the gateway is not on localhost. Use 'kubectl --context $KUBE_CONTEXT -n $ISTIO_NAMESPACE port-forward svc/istio-ingressgateway $INGRESS_PORT:80', or recreate it: ./setup.sh down && ./setup.sh"
    elif [ "$mapped" != "$INGRESS_PORT" ]; then
      warn "cluster $CLUSTER_NAME maps host port $mapped (not INGRESS_PORT=$INGRESS_PORT) to the gateway; using $mapped"
      INGRESS_PORT="$mapped"
    fi
    return 0
  fi
  say "    kind will add the context $KUBE_CONTEXT to your kubeconfig and make it current"
  local image_args=()
  if [ -n "$KIND_NODE_IMAGE" ]; then image_args=(--image "$KIND_NODE_IMAGE"); fi
  run kind create cluster --name "$CLUSTER_NAME" ${image_args[@]+"${image_args[@]}"} --wait 120s --config=- <<EOF
kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
nodes:
  - role: control-plane
    extraPortMappings:
      - containerPort: $INGRESS_NODE_PORT
        hostPort: $INGRESS_PORT
        listenAddress: "127.0.0.1"
        protocol: TCP
EOF
}

install_istio() {
  step "Install Istio ${ISTIO_VERSION:-} (default profile, VirtualService delegation, gateway on NodePort $INGRESS_NODE_PORT)" \
    "kubectl --context $KUBE_CONTEXT -n $ISTIO_NAMESPACE get pods; kubectl --context $KUBE_CONTEXT -n $ISTIO_NAMESPACE describe deployment istiod istio-ingressgateway"
  # Delegation is on by default since Istio 1.8 and its flag is gone in newer releases; setting it
  # explicitly keeps older istiod releases honouring the root VirtualService in dist/.
  run istioctl install --context "$KUBE_CONTEXT" -y -f - <<EOF
apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
spec:
  profile: default
  values:
    pilot:
      env:
        PILOT_ENABLE_VIRTUAL_SERVICE_DELEGATE: "true"
  components:
    ingressGateways:
      - name: istio-ingressgateway
        enabled: true
        k8s:
          service:
            type: NodePort
            ports:
              - name: status-port
                port: 15021
                targetPort: 15021
              - name: http2
                port: 80
                targetPort: 8080
                nodePort: $INGRESS_NODE_PORT
              - name: https
                port: 443
                targetPort: 8443
EOF
  run kc -n "$ISTIO_NAMESPACE" rollout status deployment/istiod --timeout="${ROLLOUT_TIMEOUT}s"
  run kc -n "$ISTIO_NAMESPACE" rollout status deployment/istio-ingressgateway --timeout="${ROLLOUT_TIMEOUT}s"
}

# release-X.Y of the Istio found, unless ISTIO_RELEASE says otherwise.
istio_release() {
  if [ -n "$ISTIO_RELEASE" ]; then
    say "$ISTIO_RELEASE"
  else
    say "release-$(cut -d. -f1,2 <<<"$ISTIO_VERSION")"
  fi
}

install_prometheus() {
  local release url
  release=$(istio_release)
  url="https://raw.githubusercontent.com/istio/istio/${release}/samples/addons/prometheus.yaml"
  step "Install the Prometheus addon from Istio's $release, matching istioctl ${ISTIO_VERSION:-}" \
    "kubectl --context $KUBE_CONTEXT -n $ISTIO_NAMESPACE describe deployment prometheus"
  run kc apply -f "$url"
  run kc -n "$ISTIO_NAMESPACE" rollout status deployment/prometheus --timeout="${ROLLOUT_TIMEOUT}s"
}

install_flagger() {
  step "Install Flagger $FLAGGER_VERSION for Istio" \
    "kubectl --context $KUBE_CONTEXT -n $ISTIO_NAMESPACE logs deployment/flagger"
  run kc apply -k "github.com/fluxcd/flagger//kustomize/istio?ref=${FLAGGER_VERSION}"
  run kc wait --for=condition=Established crd/canaries.flagger.app --timeout=60s
  run kc -n "$ISTIO_NAMESPACE" rollout status deployment/flagger --timeout="${ROLLOUT_TIMEOUT}s"
}

prepare_namespace() {
  # A server-side dry run of objects in a namespace that does not exist yet fails, so create it first.
  step "Create namespace $APP_NAMESPACE with Istio sidecar injection" \
    "kubectl --context $KUBE_CONTEXT get namespace $APP_NAMESPACE --show-labels"
  if kc get namespace "$APP_NAMESPACE" >/dev/null 2>&1; then
    say "    namespace $APP_NAMESPACE already exists"
  else
    run kc create namespace "$APP_NAMESPACE" --save-config
  fi
  run kc label namespace "$APP_NAMESPACE" istio-injection=enabled --overwrite
}

apply_manifests() {
  step "Validate dist/ against the cluster (server-side dry run; nothing changes)" \
    "kubectl --context $KUBE_CONTEXT apply --dry-run=server -f dist/"
  run kc apply --dry-run=server -f dist/
  step "Apply dist/" \
    "kubectl --context $KUBE_CONTEXT get all,canary -n $APP_NAMESPACE"
  run kc apply -f dist/
}

wait_for_workloads() {
  step "Wait for the podinfo and $LOADTESTER_NAME rollouts" \
    "kubectl --context $KUBE_CONTEXT -n $APP_NAMESPACE get pods; kubectl --context $KUBE_CONTEXT -n $APP_NAMESPACE describe deployment podinfo"
  run kc -n "$APP_NAMESPACE" rollout status deployment/podinfo --timeout="${ROLLOUT_TIMEOUT}s"
  run kc -n "$APP_NAMESPACE" rollout status "deployment/$LOADTESTER_NAME" --timeout="${ROLLOUT_TIMEOUT}s"
}

wait_for_canary() {
  step "Wait for Canary $APP_NAMESPACE/$CANARY_NAME to be initialized (up to ${CANARY_TIMEOUT}s)" \
    "kubectl --context $KUBE_CONTEXT -n $APP_NAMESPACE describe canary $CANARY_NAME; ./setup.sh status"
  local deadline=$((SECONDS + CANARY_TIMEOUT)) status phase="" last=""
  while :; do
    status=$(canary_status 2>/dev/null) || status=""
    phase="${status%%|*}"
    if [ "$phase" != "$last" ]; then
      say "    phase: ${phase:-(not reported yet)}"
      last="$phase"
    fi
    case "$phase" in
      Initialized | Succeeded)
        say "    Canary $APP_NAMESPACE/$CANARY_NAME is $phase; Flagger routes all traffic to $CANARY_NAME-primary"
        return 0
        ;;
      Failed)
        warn "the last canary analysis failed and was rolled back; $CANARY_NAME-primary serves the last promoted version. Start a new one with ./setup.sh trigger"
        return 0
        ;;
      Progressing | Waiting | WaitingPromotion | Promoting | Finalising)
        warn "a canary analysis is running ($phase); follow it with ./setup.sh watch"
        return 0
        ;;
    esac
    if [ "$SECONDS" -ge "$deadline" ]; then
      show_canary_diagnostics
      step_failed "timed out after ${CANARY_TIMEOUT}s waiting for Canary $APP_NAMESPACE/$CANARY_NAME to reach phase Initialized (last phase: ${phase:-none reported})"
    fi
    sleep "$POLL_INTERVAL"
  done
}

print_next_steps() {
  cat <<EOF

Ready. podinfo answers through the Istio ingress gateway:
  curl -H 'Host: $APP_HOST' http://localhost:$INGRESS_PORT/

Next:
  ./setup.sh trigger [TAG]   start a canary release (image tag, default $TRIGGER_TAG)
  ./setup.sh watch           follow it: phase, weight, failed checks and Flagger's messages, explained
  ./setup.sh fail            start a release that fails (HTTP 500s and latency) and watch the rollback
  ./setup.sh status          one-screen summary
  ./setup.sh down            delete the cluster
EOF
}

cmd_up() {
  STEP_COUNT=11
  step "Check prerequisites"
  check_prerequisites docker kind kubectl istioctl node npm git
  say "    docker (running), kind, kubectl, istioctl ${ISTIO_VERSION:-}, node, npm and git are present"
  cd "$PROJECT_DIR"
  synthesize
  create_cluster
  install_istio
  install_prometheus
  install_flagger
  prepare_namespace
  apply_manifests
  wait_for_workloads
  wait_for_canary
  print_next_steps
}

# ---------------------------------------------------------------------------------------------------------
# trigger, watch, fail
# ---------------------------------------------------------------------------------------------------------
check_tag() {
  [[ "$1" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] || usage_error "'$1' is not a valid image tag."
}

podinfo_image() {
  kc -n "$APP_NAMESPACE" get deployment podinfo \
    -o jsonpath="{.spec.template.spec.containers[?(@.name==\"$PODINFO_CONTAINER\")].image}"
}

set_podinfo_tag() {
  local tag="$1" current
  current=$(podinfo_image 2>/dev/null) || current=""
  if [ "$current" = "$PODINFO_IMAGE:$tag" ]; then
    say "podinfo already runs $PODINFO_IMAGE:$tag, so Flagger would see no new revision."
    say "Pick another tag, e.g. ./setup.sh trigger 6.0.3"
    return 1
  fi
  run kc -n "$APP_NAMESPACE" set image deployment/podinfo "$PODINFO_CONTAINER=$PODINFO_IMAGE:$tag"
}

cmd_trigger() {
  [ "$#" -le 1 ] || usage_error "trigger takes at most one TAG."
  local tag="${1:-$TRIGGER_TAG}"
  check_tag "$tag"
  check_prerequisites kubectl
  require_context
  step "Trigger a canary release of $APP_NAMESPACE/podinfo with image tag $tag" \
    "kubectl --context $KUBE_CONTEXT -n $APP_NAMESPACE describe canary $CANARY_NAME"
  set_podinfo_tag "$tag" || exit 0
  say ""
  say "Flagger notices the new revision within seconds. Follow it with: ./setup.sh watch"
}

report_status_line() {
  printf '%s  phase %-16s weight %3s%%  failed checks %s\n' "$(date +%H:%M:%S)" "${1:-(none)}" "${2:-0}" "${3:-0}"
}

# watch_canary EXPECTED [started]: follows the Canary until the analysis ends, then exits.
# EXPECTED is the phase that counts as success (Succeeded for watch, Failed for fail).
watch_canary() {
  local expected="$1" started="${2:-}"
  local deadline=$((SECONDS + WATCH_TIMEOUT)) start_deadline=$((SECONDS + WATCH_START_TIMEOUT))
  local status phase weight failed last="" seen="" lines line fresh since="3m"
  while :; do
    if ! status=$(canary_status 2>&1); then
      say "setup.sh: cannot read Canary $APP_NAMESPACE/$CANARY_NAME: $status" >&2
      say "Run ./setup.sh first." >&2
      exit 2
    fi
    IFS='|' read -r phase weight failed <<<"$status"
    if [ "$status" != "$last" ]; then
      report_status_line "$phase" "$weight" "$failed"
      last="$status"
    fi

    lines=$(flagger_log_lines --since="$since")
    since="1m"
    fresh=""
    while IFS= read -r line; do
      [ -n "$line" ] || continue
      if ! has_line "$seen" "$line"; then
        fresh+="$line"$'\n'
        seen+="$line"$'\n'
      fi
    done <<<"$lines"
    if [ -n "$fresh" ]; then
      printf '%s' "$fresh" | render_flagger_lines
    fi

    case "$phase" in
      Initializing | Waiting | Progressing | WaitingPromotion | Promoting | Finalising) started=yes ;;
      Succeeded | Failed)
        if [ -n "$started" ]; then finish_watch "$expected" "$phase" "$seen"; fi
        ;;
    esac
    if [ -z "$started" ] && [ "$SECONDS" -ge "$start_deadline" ]; then
      say ""
      say "No canary analysis started within ${WATCH_START_TIMEOUT}s; Canary $APP_NAMESPACE/$CANARY_NAME is ${phase:-without a phase}."
      say "Start one with ./setup.sh trigger (or ./setup.sh fail)."
      exit 2
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      say ""
      say "Still ${phase:-without a phase} after ${WATCH_TIMEOUT}s; stopped watching (WATCH_TIMEOUT). Flagger carries on."
      exit 124
    fi
    sleep "$POLL_INTERVAL"
  done
}

finish_watch() {
  local expected="$1" phase="$2" seen="$3"
  say ""
  if [ "$phase" = "Succeeded" ]; then
    say "Canary $APP_NAMESPACE/$CANARY_NAME succeeded: the new revision was promoted to $CANARY_NAME-primary."
  else
    say "Canary $APP_NAMESPACE/$CANARY_NAME failed: Flagger rolled back and $CANARY_NAME-primary keeps the previous revision."
    say ""
    say "Why (flagger-doctor explain):"
    printf '%s' "$seen" | explain_text
  fi
  if [ "$phase" = "$expected" ]; then exit 0; fi
  exit 1
}

cmd_watch() {
  [ "$#" -eq 0 ] || usage_error "watch takes no arguments."
  check_prerequisites kubectl
  require_context
  say "Watching Canary $APP_NAMESPACE/$CANARY_NAME (Ctrl-C stops watching; Flagger carries on)"
  watch_canary Succeeded
}

cmd_fail() {
  [ "$#" -le 1 ] || usage_error "fail takes at most one TAG."
  if [ "$#" -eq 1 ]; then check_tag "$1"; fi
  check_prerequisites kubectl
  require_context
  STEP_COUNT=4
  local status phase canary_url
  status=$(canary_status 2>/dev/null) || status=""
  phase="${status%%|*}"

  step "Start a new revision of $APP_NAMESPACE/podinfo" \
    "kubectl --context $KUBE_CONTEXT -n $APP_NAMESPACE describe canary $CANARY_NAME"
  case "$phase" in
    Progressing | Waiting | WaitingPromotion | Promoting | Finalising)
      say "    an analysis is already running ($phase); injecting the faults into it"
      ;;
    *)
      if [ "$#" -eq 1 ]; then
        set_podinfo_tag "$1" || exit 1
      else
        # A restart changes the pod template, which Flagger treats as a new revision.
        run kc -n "$APP_NAMESPACE" rollout restart deployment/podinfo
      fi
      ;;
  esac

  step "Wait for Flagger to start the analysis (up to ${WATCH_START_TIMEOUT}s)" \
    "kubectl --context $KUBE_CONTEXT -n $ISTIO_NAMESPACE logs deployment/flagger --tail=20"
  local deadline=$((SECONDS + WATCH_START_TIMEOUT))
  while :; do
    status=$(canary_status 2>/dev/null) || status=""
    phase="${status%%|*}"
    case "$phase" in
      Progressing | Waiting | WaitingPromotion | Promoting | Finalising) break ;;
    esac
    if [ "$SECONDS" -ge "$deadline" ]; then
      step_failed "Flagger did not start an analysis within ${WATCH_START_TIMEOUT}s (phase: ${phase:-none})"
    fi
    sleep "$POLL_INTERVAL"
  done
  say "    phase: $phase"

  canary_url="http://$CANARY_NAME-canary.$APP_NAMESPACE:$PODINFO_PORT"
  step "Send HTTP 500s and slow requests to $CANARY_NAME-canary from the load tester for $FAIL_DURATION" \
    "kubectl --context $KUBE_CONTEXT -n $APP_NAMESPACE logs deployment/$LOADTESTER_NAME"
  # Detached inside the pod, so the faults keep flowing while we watch, even if watching is interrupted.
  run kc -n "$APP_NAMESPACE" exec "deployment/$LOADTESTER_NAME" -- sh -c \
    "nohup hey -z $FAIL_DURATION -c 2 -q 5 $canary_url/status/500 >/dev/null 2>&1 & nohup hey -z $FAIL_DURATION -c 2 -q 5 $canary_url/delay/1 >/dev/null 2>&1 &"

  step "Watch Flagger halt the analysis and roll back"
  watch_canary Failed started
}

# ---------------------------------------------------------------------------------------------------------
# status, down
# ---------------------------------------------------------------------------------------------------------
cmd_status() {
  [ "$#" -eq 0 ] || usage_error "status takes no arguments."
  check_prerequisites kubectl
  if ! context_exists; then
    say "Cluster: no kubectl context $KUBE_CONTEXT; run ./setup.sh to create the cluster."
    exit 1
  fi
  local status phase weight failed image port
  say "Cluster   $CLUSTER_NAME (context $KUBE_CONTEXT)"
  kc get nodes 2>&1 | sed 's/^/          /' || true
  say ""
  say "Istio, Prometheus, Flagger ($ISTIO_NAMESPACE):"
  kc -n "$ISTIO_NAMESPACE" get deployment istiod istio-ingressgateway prometheus flagger 2>&1 | sed 's/^/          /' || true
  say ""
  say "Workloads ($APP_NAMESPACE):"
  kc -n "$APP_NAMESPACE" get deployment,hpa 2>&1 | sed 's/^/          /' || true
  say ""
  if status=$(canary_status 2>/dev/null); then
    IFS='|' read -r phase weight failed <<<"$status"
    image=$(podinfo_image 2>/dev/null) || image="unknown"
    say "Canary    $APP_NAMESPACE/$CANARY_NAME: phase ${phase:-(none)}, canary weight ${weight:-0}%, failed checks ${failed:-0}"
    say "          podinfo target image: ${image:-unknown}"
  else
    say "Canary    $APP_NAMESPACE/$CANARY_NAME: not found (run ./setup.sh)"
  fi
  port="$INGRESS_PORT"
  if have docker; then
    port=$(mapped_ingress_port) || port=""
    port="${port:-$INGRESS_PORT}"
  fi
  say "App       curl -H 'Host: $APP_HOST' http://localhost:$port/"
}

cmd_down() {
  [ "$#" -eq 0 ] || usage_error "down takes no arguments."
  check_prerequisites kind
  step "Delete the kind cluster $CLUSTER_NAME" "kind get clusters"
  if ! cluster_exists; then
    say "    there is no kind cluster named $CLUSTER_NAME; nothing to delete"
    return 0
  fi
  run kind delete cluster --name "$CLUSTER_NAME"
}

# ---------------------------------------------------------------------------------------------------------
main() {
  local command="${1:-up}"
  if [ "$#" -gt 0 ]; then shift; fi
  case "$command" in
    -h | --help | help) usage; return 0 ;;
  esac
  check_settings
  case "$command" in
    up) [ "$#" -eq 0 ] || usage_error "up takes no arguments."; cmd_up ;;
    trigger) cmd_trigger "$@" ;;
    watch) cmd_watch "$@" ;;
    fail) cmd_fail "$@" ;;
    status) cmd_status "$@" ;;
    down) cmd_down "$@" ;;
    *) usage_error "unknown command '$command'." ;;
  esac
}

main "$@"
