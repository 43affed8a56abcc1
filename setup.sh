#!/usr/bin/env bash
# setup.sh: the Flagger + Istio canary tutorial on a local kind cluster, in one command.
# Run `./setup.sh help` for the subcommands. Tests: test/setup/ (they run this script against stub tools).
set -Eeuo pipefail

# ---------------------------------------------------------------------------------------------------------
# Settings. Every one can be set from the environment; check_settings validates them all before anything runs.
# ---------------------------------------------------------------------------------------------------------
CLUSTER_NAME="${CLUSTER_NAME:-istio-flagger}"
KIND_NODE_IMAGE="${KIND_NODE_IMAGE:-}"            # empty: the default node image of your kind release
INGRESS_PORT="${INGRESS_PORT:-8080}"              # port on localhost where the Istio ingress gateway answers
INGRESS_NODE_PORT="${INGRESS_NODE_PORT:-30080}"   # NodePort of the gateway's http2 port; kind maps INGRESS_PORT to it
ISTIO_RELEASE="${ISTIO_RELEASE:-}"                # empty: derived from istioctl, 1.29.2 gives release-1.29
FLAGGER_VERSION="${FLAGGER_VERSION:-v1.44.0}"
ISTIO_NAMESPACE="${ISTIO_NAMESPACE:-istio-system}"
TRIGGER_TAG="${TRIGGER_TAG:-6.0.2}"               # `trigger` without a TAG uses this one, as the tutorial does
MIN_NODE_MAJOR=20
# kind enforces NetworkPolicy (the load tester's lock-down in dist/) from this release on.
KIND_NETWORK_POLICY_MINOR=24

# The app's names, port, image and host. Empty ones are read from the synthesized manifests in dist/
# (read_app_settings), so that they never disagree with what the constructs produced.
APP_SETTINGS=(APP_NAMESPACE CANARY_NAME PODINFO_DEPLOYMENT PODINFO_CONTAINER PODINFO_IMAGE PODINFO_PORT
  CANARY_SERVICE LOADTESTER_NAME LOADTESTER_NAMESPACE APP_HOST)
APP_NAMESPACE="${APP_NAMESPACE:-}"                # the Canary's namespace
CANARY_NAME="${CANARY_NAME:-}"                    # the Canary
PODINFO_DEPLOYMENT="${PODINFO_DEPLOYMENT:-}"      # its target Deployment (spec.targetRef)
PODINFO_CONTAINER="${PODINFO_CONTAINER:-}"        # the container of that Deployment that serves the Canary's port
PODINFO_IMAGE="${PODINFO_IMAGE:-}"                # that container's image, without its tag: `trigger` sets the tag
PODINFO_PORT="${PODINFO_PORT:-}"                  # the Canary's service port
CANARY_SERVICE="${CANARY_SERVICE:-}"              # the Service Flagger creates for the canary pods (APEX-canary)
LOADTESTER_NAME="${LOADTESTER_NAME:-}"            # the Deployment behind the Canary's webhook URLs
LOADTESTER_NAMESPACE="${LOADTESTER_NAMESPACE:-}"
APP_HOST="${APP_HOST:-}"                          # the public host the gateway routes to the app

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

# printable TEXT: prints TEXT with every control character made visible (ESC as \x1b, newline as \n,
# U+009B as \u009b), so that a name or message from the cluster or the environment cannot move the
# cursor, retitle the terminal, hide text or forge a line. Everything else, UTF-8 included, is kept.
printable() {
  local LC_ALL=C
  local text="$1" out="" char code i
  case "$text" in
    *[$'\x01'-$'\x1f'$'\x7f']* | *$'\xc2'[$'\x80'-$'\x9f']*) ;;
    *)
      printf '%s' "$text"
      return 0
      ;;
  esac
  for ((i = 0; i < ${#text}; i++)); do
    char="${text:i:1}"
    case "$char" in
      $'\n') out+='\n' ;;
      $'\r') out+='\r' ;;
      $'\t') out+='\t' ;;
      [$'\x01'-$'\x1f'$'\x7f'])
        printf -v code '\\x%02x' "'$char"
        out+="$code"
        ;;
      $'\xc2')
        if [[ "${text:i+1:1}" == [$'\x80'-$'\x9f'] ]]; then
          printf -v code '\\u%04x' "'${text:i+1:1}"
          out+="$code"
          i=$((i + 1))
        else
          out+="$char"
        fi
        ;;
      *) out+="$char" ;;
    esac
  done
  printf '%s' "$out"
}

# print_lines [INDENT]: prints stdin line by line, each indented and made printable.
print_lines() {
  local indent="${1:-}" line
  while IFS= read -r line || [ -n "$line" ]; do
    printf '%s' "$indent"
    printable "$line"
    printf '\n'
  done
}

say() { printf '%s\n' "$*"; }
# say_printable TEXT: one line whose every part may come from outside this script.
say_printable() {
  printable "$*"
  printf '\n'
}
warn() { printf 'warning: %s\n' "$(printable "$*")" >&2; }

# shell_words ARG...: the arguments as one command line a user can paste: plain words as they are, any
# other in single quotes, and control characters made visible.
shell_words() {
  local arg words=""
  for arg in "$@"; do
    if [[ "$arg" =~ ^[A-Za-z0-9_./:=@%+,^-]+$ ]]; then
      words+=" $arg"
    else
      words+=" '${arg//\'/\'\\\'\'}'"
    fi
  done
  printable "${words# }"
}

# setting_shown NAME: the value of setting NAME for the usage text, or where it comes from when empty.
setting_shown() {
  local value="${!1}"
  if [ -n "$value" ]; then
    printable "$value"
    return 0
  fi
  case "$1" in
    KIND_NODE_IMAGE) printf 'kind default' ;;
    ISTIO_RELEASE) printf 'from istioctl' ;;
    *) printf 'from dist/' ;;
  esac
}

usage() {
  cat <<EOF
Usage: ./setup.sh [COMMAND]

The Flagger canary tutorial on a local kind cluster with Istio.

Commands:
  up            (default) Check prerequisites, synthesize dist/, create the kind cluster "$(setting_shown CLUSTER_NAME)",
                install Istio, Prometheus and Flagger $(setting_shown FLAGGER_VERSION), apply dist/, and wait until
                its Canary is initialized. Safe to run again.
  trigger [TAG] Start a canary release: set the Canary's target image to TAG (default $(setting_shown TRIGGER_TAG)).
  watch         Follow the Canary (phase, weight, failed checks) and Flagger's messages, explained,
                until the analysis ends. Exit 0 promoted, 1 rolled back, 2 nothing to watch
                (no cluster, no canary, no analysis), 124 still running after WATCH_TIMEOUT.
  fail [TAG]    The rollback demo: start a new revision (TAG, or a restart), make the load tester send
                HTTP 500s and slow requests to the canary pods, and watch Flagger roll back.
                Exit 0 rolled back, 1 promoted anyway, 2 nothing to watch, 124 timed out.
  status        One screen: the cluster, Istio, Prometheus, Flagger, the workloads and the Canary.
  down          Delete the kind cluster.
  help          Show this help.

Settings (environment variables, current value in brackets). Exit 2 when one is malformed.
  CLUSTER_NAME [$(setting_shown CLUSTER_NAME)]  INGRESS_PORT [$(setting_shown INGRESS_PORT)]  INGRESS_NODE_PORT [$(setting_shown INGRESS_NODE_PORT)]
  KIND_NODE_IMAGE [$(setting_shown KIND_NODE_IMAGE)]  ISTIO_RELEASE [$(setting_shown ISTIO_RELEASE)]
  FLAGGER_VERSION [$(setting_shown FLAGGER_VERSION)]  ISTIO_NAMESPACE [$(setting_shown ISTIO_NAMESPACE)]  TRIGGER_TAG [$(setting_shown TRIGGER_TAG)]
  ROLLOUT_TIMEOUT [$(setting_shown ROLLOUT_TIMEOUT)]  CANARY_TIMEOUT [$(setting_shown CANARY_TIMEOUT)]  WATCH_TIMEOUT [$(setting_shown WATCH_TIMEOUT)]
  WATCH_START_TIMEOUT [$(setting_shown WATCH_START_TIMEOUT)]  POLL_INTERVAL [$(setting_shown POLL_INTERVAL)]  FAIL_DURATION [$(setting_shown FAIL_DURATION)]
  PROJECT_DIR [$(setting_shown PROJECT_DIR)]
The app's names, read from the synthesized manifests in dist/ unless set:
  APP_NAMESPACE [$(setting_shown APP_NAMESPACE)]  CANARY_NAME [$(setting_shown CANARY_NAME)]  PODINFO_DEPLOYMENT [$(setting_shown PODINFO_DEPLOYMENT)]
  PODINFO_CONTAINER [$(setting_shown PODINFO_CONTAINER)]  PODINFO_IMAGE [$(setting_shown PODINFO_IMAGE)]  PODINFO_PORT [$(setting_shown PODINFO_PORT)]
  CANARY_SERVICE [$(setting_shown CANARY_SERVICE)]  LOADTESTER_NAME [$(setting_shown LOADTESTER_NAME)]
  LOADTESTER_NAMESPACE [$(setting_shown LOADTESTER_NAMESPACE)]  APP_HOST [$(setting_shown APP_HOST)]

setup.sh writes only inside the project (node_modules/, dist/) and the cluster. Creating the cluster
makes kind add the context $(printable "$KUBE_CONTEXT") to your kubeconfig; every other command names that context
explicitly, so your current kubectl context is never used.
EOF
}

usage_error() {
  printf 'setup.sh: %s\n\n' "$(printable "$1")" >&2
  usage >&2
  exit 2
}

# step TITLE HINT: announces a step; HINT is the command to investigate with if the step fails.
step() {
  STEP_NUMBER=$((STEP_NUMBER + 1))
  STEP_TITLE="$1"
  STEP_HINT="${2:-}"
  if [ "$STEP_COUNT" -gt 0 ]; then
    printf '\n==> [%d/%d] %s\n' "$STEP_NUMBER" "$STEP_COUNT" "$(printable "$STEP_TITLE")"
  else
    printf '\n==> %s\n' "$(printable "$STEP_TITLE")"
  fi
}

# step_failed REASON [STATUS]: stops the run, naming the step and the command to investigate with.
step_failed() {
  {
    printf '\nsetup.sh: step "%s" failed: %s\n' "$(printable "${STEP_TITLE:-setup}")" "$(printable "$1")"
    if [ -n "$STEP_HINT" ]; then
      printf 'Investigate with:\n  %s\n' "$(printable "$STEP_HINT")"
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
  local shown status=0
  if [ "$1" = kc ]; then shown=$(shell_words kubectl --context "$KUBE_CONTEXT" "${@:2}"); else shown=$(shell_words "$@"); fi
  printf '    $ %s\n' "$shown"
  "$@" || status=$?
  if [ "$status" -ne 0 ]; then
    step_failed "'$shown' exited with status $status" "$status"
  fi
}

kc() { kubectl --context "$KUBE_CONTEXT" "$@"; }

has_line() { grep -Fxq -- "$2" <<<"$1"; }

# ---------------------------------------------------------------------------------------------------------
# Settings: each is checked once, before anything runs, and a bad one stops the run with exit 2
# ---------------------------------------------------------------------------------------------------------
RE_DNS_LABEL='^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$'
RE_HOST='^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$'
RE_CLUSTER_NAME='^[a-z0-9]([-a-z0-9.]{0,48}[a-z0-9])?$'
RE_IMAGE_COMPONENT='[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*'
RE_IMAGE_REPOSITORY="^${RE_IMAGE_COMPONENT}(:[0-9]{1,5})?(/${RE_IMAGE_COMPONENT})*\$"
RE_IMAGE_TAG='^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$'
RE_NODE_IMAGE="^${RE_IMAGE_COMPONENT}(:[0-9]{1,5})?(/${RE_IMAGE_COMPONENT})*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?\$"
RE_ISTIO_RELEASE='^(master|release-[0-9]{1,3}\.[0-9]{1,3}|[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}(-(alpha|beta|rc)\.[0-9]{1,3})?)$'
RE_FLAGGER_VERSION='^(main|v[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}(-(alpha|beta|rc)\.[0-9]{1,3})?)$'
RE_GO_DURATION='^([0-9]{1,5}(\.[0-9]{1,9})?(h|m|s|ms|us|ns))+$'

# number_between VALUE MIN MAX: VALUE is a whole number without leading zeros from MIN to MAX. The digit
# count is checked first, so that a huge number never reaches bash's arithmetic.
number_between() {
  [[ "$1" =~ ^[1-9][0-9]{0,5}$ ]] && [ "$1" -ge "$2" ] && [ "$1" -le "$3" ]
}

# refuse_value NAME VALUE: sets REFUSED to what NAME allows when VALUE is not one of them, else to "".
# (A variable, not output: it runs for every setting on every start, and a command substitution forks.)
REFUSED=""
refuse_value() {
  local LC_ALL=C
  local name="$1" value="$2"
  REFUSED=""
  case "$name" in
    APP_NAMESPACE | ISTIO_NAMESPACE | LOADTESTER_NAMESPACE | CANARY_NAME | PODINFO_DEPLOYMENT | PODINFO_CONTAINER | CANARY_SERVICE | LOADTESTER_NAME)
      [[ "$value" =~ $RE_DNS_LABEL ]] ||
        REFUSED="a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters"
      ;;
    CLUSTER_NAME)
      [[ "$value" =~ $RE_CLUSTER_NAME ]] ||
        REFUSED="lower-case letters, digits, '.' and '-', starting and ending with a letter or digit, at most 50 characters"
      ;;
    APP_HOST)
      [[ "$value" =~ $RE_HOST && ${#value} -le 253 ]] ||
        REFUSED="a DNS host name such as app.example.com: lower-case labels of letters, digits and '-' joined by '.'"
      ;;
    INGRESS_PORT | PODINFO_PORT)
      number_between "$value" 1 65535 || REFUSED="a port number from 1 to 65535"
      ;;
    INGRESS_NODE_PORT)
      number_between "$value" 30000 32767 || REFUSED="in Kubernetes' NodePort range 30000-32767"
      ;;
    ROLLOUT_TIMEOUT | CANARY_TIMEOUT | WATCH_TIMEOUT | WATCH_START_TIMEOUT)
      number_between "$value" 1 86400 || REFUSED="a whole number of seconds from 1 to 86400"
      ;;
    POLL_INTERVAL)
      number_between "$value" 1 3600 || REFUSED="a whole number of seconds from 1 to 3600"
      ;;
    FAIL_DURATION)
      [[ "$value" =~ $RE_GO_DURATION && ${#value} -le 24 && "$value" == *[1-9]* ]] ||
        REFUSED="a Go duration above zero such as 90s, 10m or 1h30m (units h, m, s, ms, us, ns; at most 24 characters)"
      ;;
    ISTIO_RELEASE)
      [ -z "$value" ] || [[ "$value" =~ $RE_ISTIO_RELEASE ]] ||
        REFUSED="empty (derived from istioctl), master, a branch such as release-1.29, or a tag such as 1.29.2"
      ;;
    FLAGGER_VERSION)
      [[ "$value" =~ $RE_FLAGGER_VERSION ]] || REFUSED="a Flagger release tag such as v1.44.0, or main"
      ;;
    KIND_NODE_IMAGE)
      [ -z "$value" ] || [[ "$value" =~ $RE_NODE_IMAGE && ${#value} -le 255 ]] ||
        REFUSED="empty (kind's default) or an image reference such as kindest/node:v1.33.1@sha256:<64 hex digits>"
      ;;
    PODINFO_IMAGE)
      [[ "$value" =~ $RE_IMAGE_REPOSITORY && ${#value} -le 255 ]] ||
        REFUSED="an image repository without a tag, such as ghcr.io/stefanprodan/podinfo"
      ;;
    TRIGGER_TAG)
      [[ "$value" =~ $RE_IMAGE_TAG ]] ||
        REFUSED="an image tag: letters, digits, '_', '.' and '-', not starting with '.' or '-', at most 128 characters"
      ;;
    PROJECT_DIR)
      [ -d "$value" ] || REFUSED="an existing directory (the project whose dist/ is applied)"
      ;;
  esac
}

# check_setting NAME VALUE [SOURCE]: exits 2 with one sentence when VALUE is not allowed for NAME.
# SOURCE says where a value read from dist/ came from.
check_setting() {
  local name="$1" value="$2" source="${3:-}" allowed
  refuse_value "$name" "$value"
  allowed="$REFUSED"
  [ -n "$allowed" ] || return 0
  if [ -n "$source" ]; then
    printf "setup.sh: %s is '%s' in %s, but it must be %s; fix the app or set %s.\n" \
      "$name" "$(printable "$value")" "$(printable "$source")" "$allowed" "$name" >&2
  else
    printf "setup.sh: %s is '%s', but it must be %s.\n" "$name" "$(printable "$value")" "$allowed" >&2
  fi
  exit 2
}

check_settings() {
  local name
  for name in CLUSTER_NAME KIND_NODE_IMAGE INGRESS_PORT INGRESS_NODE_PORT ISTIO_RELEASE FLAGGER_VERSION \
    ISTIO_NAMESPACE TRIGGER_TAG ROLLOUT_TIMEOUT CANARY_TIMEOUT WATCH_TIMEOUT WATCH_START_TIMEOUT POLL_INTERVAL \
    FAIL_DURATION PROJECT_DIR; do
    check_setting "$name" "${!name}"
  done
  for name in "${APP_SETTINGS[@]}"; do
    if [ -n "${!name}" ]; then check_setting "$name" "${!name}"; fi
  done
  # Absolute, so that no path built from it can be taken for an option.
  PROJECT_DIR=$(cd -- "$PROJECT_DIR" && pwd)
}

# ---------------------------------------------------------------------------------------------------------
# The app's settings, read from the synthesized manifests in dist/
# ---------------------------------------------------------------------------------------------------------
# A small Node program with the project's own YAML parser: finds the Canary in dist/ (the one named by
# APP_NAMESPACE and CANARY_NAME when they are set) and prints, NUL-separated, "NAME VALUE SOURCE" for each
# app setting; VALUE is empty and SOURCE says why when dist/ does not tell. Then "error MESSAGE -" or "end - -".
dist_reader_program() {
  cat <<'JS'
const fs = require('fs');
const path = require('path');
const [projectDir, wantNamespace, wantName] = process.argv.slice(1);
const out = (...fields) => process.stdout.write(fields.map((field) => `${field}\0`).join(''));
class Unreadable extends Error {}
const fail = (message) => { throw new Unreadable(message); };

function loadObjects() {
  let YAML;
  try {
    YAML = require(require.resolve('yaml', { paths: [projectDir] }));
  } catch {
    fail(`cannot read dist/: the yaml package is missing from ${projectDir}/node_modules; run npm ci`);
  }
  const dist = path.join(projectDir, 'dist');
  const files = fs.existsSync(dist) ? fs.readdirSync(dist).filter((file) => /\.(ya?ml|json)$/.test(file)).sort() : [];
  if (files.length === 0) fail('dist/ holds no manifests; run ./setup.sh up (or npm run synth) first');
  const objects = [];
  for (const file of files) {
    for (const document of YAML.parseAllDocuments(fs.readFileSync(path.join(dist, file), 'utf8'))) {
      if (document.errors.length > 0) fail(`dist/${file} is not valid YAML: ${document.errors[0].message}`);
      const object = document.toJS();
      if (!object || typeof object !== 'object' || Array.isArray(object)) continue;
      const { kind, apiVersion, metadata = {} } = object;
      objects.push({ object, file: `dist/${file}`, kind, apiVersion: String(apiVersion ?? ''), namespace: metadata.namespace ?? 'default', name: metadata.name });
    }
  }
  return objects;
}

function main() {
  const objects = loadObjects();
  const of = (kind, group) => objects.filter((o) => o.kind === kind && (o.apiVersion === group || o.apiVersion.startsWith(`${group}/`)));
  const show = (o) => `${o.kind} ${o.namespace}/${o.name}`;
  const fact = (name, value, source) => out(name, value === undefined || value === null ? '' : String(value), source);

  const canaries = of('Canary', 'flagger.app')
    .filter((c) => (!wantNamespace || c.namespace === wantNamespace) && (!wantName || c.name === wantName));
  if (canaries.length !== 1) {
    const wanted = wantNamespace || wantName ? ` named ${wantNamespace || '*'}/${wantName || '*'} (APP_NAMESPACE/CANARY_NAME)` : '';
    fail(canaries.length === 0 ? `dist/ holds no Flagger Canary${wanted}`
      : `dist/ holds ${canaries.length} Canaries (${canaries.map((c) => `${c.namespace}/${c.name}`).join(', ')}); set APP_NAMESPACE and CANARY_NAME to pick one`);
  }
  const canary = canaries[0];
  const spec = canary.object.spec ?? {};
  const service = spec.service ?? {};
  const target = spec.targetRef ?? {};
  const at = (field) => `${canary.file} (${show(canary)} ${field})`;
  fact('APP_NAMESPACE', canary.namespace, at('metadata.namespace'));
  fact('CANARY_NAME', canary.name, at('metadata.name'));
  fact('PODINFO_DEPLOYMENT', target.kind === 'Deployment' ? target.name : '', target.kind === 'Deployment' ? at('spec.targetRef.name')
    : `${show(canary)} targets a ${target.kind ?? 'missing'} spec.targetRef, and setup.sh drives a Deployment`);
  fact('PODINFO_PORT', service.port, at('spec.service.port'));
  // Flagger names its Services after spec.service.name, or else the target (GetServiceNames in canary.go).
  const apex = service.name || target.name;
  fact('CANARY_SERVICE', apex ? `${apex}-canary` : '', at(service.name ? 'spec.service.name' : 'spec.targetRef.name'));

  // The container that serves the Canary's port, and its image without digest and tag (a colon before the
  // last slash belongs to a registry port).
  const deployment = of('Deployment', 'apps').find((d) => d.namespace === canary.namespace && d.name === target.name);
  const containers = deployment?.object.spec?.template?.spec?.containers ?? [];
  const container = containers.find((c) => (c.ports ?? []).some((port) => [service.targetPort, service.port].includes(port.containerPort)
    || (port.name !== undefined && port.name === service.targetPort))) ?? containers[0];
  const containerSource = container ? `${deployment.file} (${show(deployment)} container ${container.name})`
    : `dist/ holds no Deployment ${canary.namespace}/${target.name ?? '?'} with a container`;
  const image = String(container?.image ?? '').replace(/@.*$/, '');
  fact('PODINFO_CONTAINER', container?.name, containerSource);
  fact('PODINFO_IMAGE', image.lastIndexOf(':') > image.lastIndexOf('/') ? image.slice(0, image.lastIndexOf(':')) : image, containerSource);

  // The load tester: the Deployment behind the Service that a webhook URL of the Canary names.
  let loadTester;
  for (const webhook of spec.analysis?.webhooks ?? []) {
    let host;
    try { host = new URL(webhook.url).hostname.split('.'); } catch { continue; }
    const namespace = host.length > 1 ? host[1] : canary.namespace;
    const selector = Object.entries(of('Service', 'v1').find((s) => s.namespace === namespace && s.name === host[0])?.object.spec?.selector ?? {});
    const found = selector.length > 0 && of('Deployment', 'apps').find((d) => d.namespace === namespace
      && selector.every(([key, value]) => d.object.spec?.template?.metadata?.labels?.[key] === value));
    if (found) {
      loadTester = { deployment: found, source: `${found.file} (${show(found)}, behind webhook ${webhook.name} ${webhook.url})` };
      break;
    }
  }
  const noLoadTester = `no webhook URL of ${show(canary)} names a Service in dist/ with a Deployment behind it`;
  fact('LOADTESTER_NAME', loadTester?.deployment.name, loadTester?.source ?? noLoadTester);
  fact('LOADTESTER_NAMESPACE', loadTester?.deployment.namespace, loadTester?.source ?? noLoadTester);

  // The public host: one of the root VirtualService that delegates to Flagger's, or of the Canary itself,
  // bound to a Gateway; wildcards and in-cluster names are no use in a curl.
  const publicHosts = (hosts, gateways) => ((gateways ?? []).some((g) => g !== 'mesh') ? hosts ?? [] : [])
    .filter((h) => typeof h === 'string' && h.includes('.') && !h.includes('*') && !/(^|\.)svc(\.|$)|(^|\.)cluster\.local$/.test(h));
  let appHost;
  for (const vs of of('VirtualService', 'networking.istio.io')) {
    const delegates = (vs.object.spec?.http ?? []).some((route) => route.delegate?.name === apex
      && (route.delegate.namespace ?? vs.namespace) === canary.namespace);
    const host = delegates && publicHosts(vs.object.spec?.hosts, vs.object.spec?.gateways)[0];
    if (host) {
      appHost = { host, source: `${vs.file} (${show(vs)} spec.hosts)` };
      break;
    }
  }
  const ownHost = publicHosts(service.hosts, service.gateways)[0];
  if (!appHost && ownHost) appHost = { host: ownHost, source: at('spec.service.hosts') };
  fact('APP_HOST', appHost?.host, appHost?.source
    ?? `neither ${show(canary)} nor a VirtualService that delegates to it has a public host on a Gateway`);
  out('end', '-', '-');
}

try {
  main();
} catch (error) {
  out('error', error instanceof Unreadable ? error.message : `cannot read dist/: ${error && error.message}`, '-');
}
JS
}

# read_app_settings: fills the empty app settings from dist/ and checks each value read. Exits 2 when
# dist/ cannot be read. A setting dist/ does not tell stays empty; need_settings reports it.
read_app_settings() {
  local name value source complete=""
  local -a names=() values=() sources=()
  while IFS= read -r -d '' name && IFS= read -r -d '' value && IFS= read -r -d '' source; do
    case "$name" in
      end) complete=yes ;;
      error)
        printf 'setup.sh: %s.\n' "$(printable "$value")" >&2
        exit 2
        ;;
      *)
        names+=("$name")
        values+=("$value")
        sources+=("$source")
        ;;
    esac
  done < <(node -e "$(dist_reader_program)" "$PROJECT_DIR" "$APP_NAMESPACE" "$CANARY_NAME" 2>/dev/null)
  if [ -z "$complete" ]; then
    say "setup.sh: cannot read the app's names from $(printable "$PROJECT_DIR")/dist/: node stopped early; try: node --version" >&2
    exit 2
  fi
  local i
  for i in "${!names[@]}"; do
    name="${names[$i]}"
    case " ${APP_SETTINGS[*]} " in *" $name "*) ;; *) continue ;; esac
    [ -z "${!name}" ] || continue
    if [ -n "${values[$i]}" ]; then
      check_setting "$name" "${values[$i]}" "${sources[$i]}"
      printf -v "$name" '%s' "${values[$i]}"
    else
      printf -v "MISSING_$name" '%s' "${sources[$i]}"
    fi
  done
}

# need_settings NAME...: makes sure each app setting has a value, from the environment or dist/.
need_settings() {
  local name missing="" why
  for name in "$@"; do
    [ -n "${!name}" ] || missing=yes
  done
  [ -n "$missing" ] || return 0
  read_app_settings
  for name in "$@"; do
    [ -z "${!name}" ] || continue
    why="MISSING_$name"
    printf 'setup.sh: %s is not set and dist/ does not tell it: %s; set %s.\n' \
      "$name" "$(printable "${!why:-no value}")" "$name" >&2
    exit 2
  done
}

# ---------------------------------------------------------------------------------------------------------
# Prerequisites
# ---------------------------------------------------------------------------------------------------------
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

# Warns when kind is older than the first release whose default CNI enforces NetworkPolicy.
check_kind_network_policy() {
  local output
  output=$(kind version 2>/dev/null) || return 0
  if [[ "$output" =~ v0\.([0-9]+)\.[0-9]+ ]] && [ "${BASH_REMATCH[1]}" -lt "$KIND_NETWORK_POLICY_MINOR" ]; then
    warn "kind v0.${BASH_REMATCH[1]} does not enforce NetworkPolicy (kind v0.$KIND_NETWORK_POLICY_MINOR.0 and newer do): the cluster accepts the load tester's NetworkPolicy in dist/ but ignores it. Everything else works."
  fi
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
        if ! [[ "$major" =~ ^[0-9]{1,4}$ ]] || [ "$major" -lt "$MIN_NODE_MAJOR" ]; then
          problems+="  - node: version '$(printable "${version:-unknown}")' is too old; $MIN_NODE_MAJOR or newer is needed. Get it from $(where_to_get node)"$'\n'
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
  mapping="${mapping##*:}"
  if number_between "$mapping" 1 65535; then say "$mapping"; fi
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

# doctor_explain [ARG...]: flagger-doctor explain of stdin, with the manifests in dist/ when there are some.
doctor_explain() {
  local manifests=()
  if [ -d "$PROJECT_DIR/dist" ]; then manifests=(--manifests "$PROJECT_DIR/dist"); fi
  node "$(doctor_script)" explain "$@" ${manifests[@]+"${manifests[@]}"}
}

# Flagger's log lines about this canary (they name it "name.namespace"). Empty when there are none.
flagger_log_lines() {
  kc -n "$ISTIO_NAMESPACE" logs deployment/flagger "$@" 2>/dev/null | grep -F "\"$CANARY_NAME.$APP_NAMESPACE\"" || true
}

# Prints stdin (logs and events) as flagger-doctor's diagnosis; says so when the doctor cannot help.
explain_text() {
  local input output
  input=$(cat)
  if [ -z "$input" ]; then
    say "    (Flagger has said nothing about $CANARY_NAME.$APP_NAMESPACE yet)"
    return 0
  fi
  if [ -f "$(doctor_script)" ] && output=$(printf '%s\n' "$input" | doctor_explain 2>&1); then
    print_lines <<<"$output"
  else
    say "    (flagger-doctor explain is not available here; the raw messages above are all there is)"
  fi
}

# Turns flagger-doctor's `explain --format json` (one entry per recognised message) into NUL-separated
# "line time message summary" records, for render_flagger_lines to print.
DOCTOR_ENTRIES_PROGRAM='
for (const entry of JSON.parse(require("fs").readFileSync(0, "utf8"))) {
  const fields = [entry.line, entry.time, entry.message, entry.summary].map((field) => (field == null ? "" : String(field)));
  process.stdout.write(fields.map((field) => field + "\0").join(""));
}'

# Prints Flagger's log lines from stdin, one by one: for each message flagger-doctor recognises, its time,
# the message and the doctor's one-line summary; any other line as it is. Every part made printable.
render_flagger_lines() {
  local input json="" number time message summary i=0 line
  local -a times=() messages=() summaries=()
  input=$(cat)
  if [ -f "$(doctor_script)" ]; then
    json=$(printf '%s\n' "$input" | doctor_explain --format json 2>/dev/null) || json=""
  fi
  if [ -n "$json" ]; then
    while IFS= read -r -d '' number && IFS= read -r -d '' time && IFS= read -r -d '' message && IFS= read -r -d '' summary; do
      if [[ "$number" =~ ^[1-9][0-9]{0,8}$ ]]; then
        times[number]="$time"
        messages[number]="$message"
        summaries[number]="$summary"
      fi
    done < <(node -e "$DOCTOR_ENTRIES_PROGRAM" <<<"$json" 2>/dev/null)
  fi
  while IFS= read -r line; do
    i=$((i + 1))
    if [ -n "${messages[i]+set}" ]; then
      say_printable "    ${times[i]:+${times[i]} }${messages[i]}"
      if [ -n "${summaries[i]}" ]; then say_printable "        -> ${summaries[i]}"; fi
    else
      say_printable "    $line"
    fi
  done <<<"$input"
}

show_canary_diagnostics() {
  local events logs
  events=$(kc -n "$APP_NAMESPACE" get events \
    --field-selector "involvedObject.kind=Canary,involvedObject.name=$CANARY_NAME" \
    --sort-by=.lastTimestamp 2>&1 | tail -n 20) || events=""
  logs=$(flagger_log_lines --tail=300 | tail -n 40)
  say ""
  say "Last events of Canary $APP_NAMESPACE/$CANARY_NAME:"
  print_lines <<<"${events:-    (none)}"
  say ""
  say "Last Flagger log lines about $CANARY_NAME.$APP_NAMESPACE:"
  print_lines <<<"${logs:-    (none)}"
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
  need_settings "${APP_SETTINGS[@]}"
  say "    dist/: Canary $APP_NAMESPACE/$CANARY_NAME of Deployment $PODINFO_DEPLOYMENT (container $PODINFO_CONTAINER, port $PODINFO_PORT), load tester $LOADTESTER_NAMESPACE/$LOADTESTER_NAME, host $APP_HOST"
}

create_cluster() {
  step "Create the kind cluster $CLUSTER_NAME with localhost:$INGRESS_PORT mapped to NodePort $INGRESS_NODE_PORT" \
    "kind get clusters; docker ps --filter name=${CLUSTER_NAME}-control-plane   # is port $INGRESS_PORT already taken? set INGRESS_PORT"
  check_kind_network_policy
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
  step "Wait for the $PODINFO_DEPLOYMENT and $LOADTESTER_NAME rollouts" \
    "kubectl --context $KUBE_CONTEXT -n $APP_NAMESPACE get pods; kubectl --context $KUBE_CONTEXT -n $APP_NAMESPACE describe deployment $PODINFO_DEPLOYMENT"
  run kc -n "$APP_NAMESPACE" rollout status "deployment/$PODINFO_DEPLOYMENT" --timeout="${ROLLOUT_TIMEOUT}s"
  run kc -n "$LOADTESTER_NAMESPACE" rollout status "deployment/$LOADTESTER_NAME" --timeout="${ROLLOUT_TIMEOUT}s"
}

wait_for_canary() {
  step "Wait for Canary $APP_NAMESPACE/$CANARY_NAME to be initialized (up to ${CANARY_TIMEOUT}s)" \
    "kubectl --context $KUBE_CONTEXT -n $APP_NAMESPACE describe canary $CANARY_NAME; ./setup.sh status"
  local deadline=$((SECONDS + CANARY_TIMEOUT)) status phase="" last=""
  while :; do
    status=$(canary_status 2>/dev/null) || status=""
    phase="${status%%|*}"
    if [ "$phase" != "$last" ]; then
      say_printable "    phase: ${phase:-(not reported yet)}"
      last="$phase"
    fi
    case "$phase" in
      Initialized | Succeeded)
        say "    Canary $APP_NAMESPACE/$CANARY_NAME is $phase; Flagger routes all traffic to $PODINFO_DEPLOYMENT-primary"
        return 0
        ;;
      Failed)
        warn "the last canary analysis failed and was rolled back; $PODINFO_DEPLOYMENT-primary serves the last promoted version. Start a new one with ./setup.sh trigger"
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

Ready. $PODINFO_DEPLOYMENT answers through the Istio ingress gateway:
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
  cd -- "$PROJECT_DIR"
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
  [[ "$1" =~ $RE_IMAGE_TAG ]] || usage_error "'$1' is not a valid image tag."
}

podinfo_image() {
  kc -n "$APP_NAMESPACE" get deployment "$PODINFO_DEPLOYMENT" \
    -o jsonpath="{.spec.template.spec.containers[?(@.name==\"$PODINFO_CONTAINER\")].image}"
}

set_podinfo_tag() {
  local tag="$1" current
  current=$(podinfo_image 2>/dev/null) || current=""
  if [ "$current" = "$PODINFO_IMAGE:$tag" ]; then
    say "$PODINFO_DEPLOYMENT already runs $PODINFO_IMAGE:$tag, so Flagger would see no new revision."
    say "Pick another tag, e.g. ./setup.sh trigger 6.0.3"
    return 1
  fi
  run kc -n "$APP_NAMESPACE" set image "deployment/$PODINFO_DEPLOYMENT" "$PODINFO_CONTAINER=$PODINFO_IMAGE:$tag"
}

cmd_trigger() {
  [ "$#" -le 1 ] || usage_error "trigger takes at most one TAG."
  local tag="${1:-$TRIGGER_TAG}"
  check_tag "$tag"
  check_prerequisites kubectl node
  require_context
  need_settings APP_NAMESPACE CANARY_NAME PODINFO_DEPLOYMENT PODINFO_CONTAINER PODINFO_IMAGE
  step "Trigger a canary release of $APP_NAMESPACE/$PODINFO_DEPLOYMENT with image tag $tag" \
    "kubectl --context $KUBE_CONTEXT -n $APP_NAMESPACE describe canary $CANARY_NAME"
  set_podinfo_tag "$tag" || exit 0
  say ""
  say "Flagger notices the new revision within seconds. Follow it with: ./setup.sh watch"
}

report_status_line() {
  printf '%s  phase %-16s weight %3s%%  failed checks %s\n' "$(date +%H:%M:%S)" \
    "$(printable "${1:-(none)}")" "$(printable "${2:-0}")" "$(printable "${3:-0}")"
}

# watch_canary EXPECTED [started]: follows the Canary until the analysis ends, then exits.
# EXPECTED is the phase that counts as success (Succeeded for watch, Failed for fail).
watch_canary() {
  local expected="$1" started="${2:-}"
  local deadline=$((SECONDS + WATCH_TIMEOUT)) start_deadline=$((SECONDS + WATCH_START_TIMEOUT))
  local status phase weight failed last="" seen="" lines line fresh since="3m"
  while :; do
    if ! status=$(canary_status 2>&1); then
      say_printable "setup.sh: cannot read Canary $APP_NAMESPACE/$CANARY_NAME: $status" >&2
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
      say_printable "No canary analysis started within ${WATCH_START_TIMEOUT}s; Canary $APP_NAMESPACE/$CANARY_NAME is ${phase:-without a phase}."
      say "Start one with ./setup.sh trigger (or ./setup.sh fail)."
      exit 2
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      say ""
      say_printable "Still ${phase:-without a phase} after ${WATCH_TIMEOUT}s; stopped watching (WATCH_TIMEOUT). Flagger carries on."
      exit 124
    fi
    sleep "$POLL_INTERVAL"
  done
}

finish_watch() {
  local expected="$1" phase="$2" seen="$3"
  say ""
  if [ "$phase" = "Succeeded" ]; then
    say "Canary $APP_NAMESPACE/$CANARY_NAME succeeded: the new revision was promoted to $PODINFO_DEPLOYMENT-primary."
  else
    say "Canary $APP_NAMESPACE/$CANARY_NAME failed: Flagger rolled back and $PODINFO_DEPLOYMENT-primary keeps the previous revision."
    say ""
    say "Why (flagger-doctor explain):"
    printf '%s' "$seen" | explain_text
  fi
  if [ "$phase" = "$expected" ]; then exit 0; fi
  exit 1
}

cmd_watch() {
  [ "$#" -eq 0 ] || usage_error "watch takes no arguments."
  check_prerequisites kubectl node
  require_context
  need_settings APP_NAMESPACE CANARY_NAME PODINFO_DEPLOYMENT
  say "Watching Canary $APP_NAMESPACE/$CANARY_NAME (Ctrl-C stops watching; Flagger carries on)"
  watch_canary Succeeded
}

# Runs inside the load tester pod: two hey processes, detached so that they outlive `kubectl exec`. The
# duration ($1) and the canary's URL ($2) arrive as arguments and are never part of the script.
# shellcheck disable=SC2016 # expanded by the pod's shell, not this one
FAULTS_SCRIPT='for path in status/500 delay/1; do nohup hey -z "$1" -c 2 -q 5 "$2/$path" >/dev/null 2>&1 & done'

cmd_fail() {
  [ "$#" -le 1 ] || usage_error "fail takes at most one TAG."
  if [ "$#" -eq 1 ]; then check_tag "$1"; fi
  check_prerequisites kubectl node
  require_context
  need_settings APP_NAMESPACE CANARY_NAME PODINFO_DEPLOYMENT PODINFO_PORT CANARY_SERVICE LOADTESTER_NAME LOADTESTER_NAMESPACE
  if [ "$#" -eq 1 ]; then need_settings PODINFO_CONTAINER PODINFO_IMAGE; fi
  STEP_COUNT=4
  local status phase canary_url
  status=$(canary_status 2>/dev/null) || status=""
  phase="${status%%|*}"

  step "Start a new revision of $APP_NAMESPACE/$PODINFO_DEPLOYMENT" \
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
        run kc -n "$APP_NAMESPACE" rollout restart "deployment/$PODINFO_DEPLOYMENT"
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

  # From inside the load tester pod (kubectl exec goes through the API server, not the pod network) to the
  # canary Service in the app's namespace: the traffic the load tester's NetworkPolicy lets out.
  canary_url="http://$CANARY_SERVICE.$APP_NAMESPACE:$PODINFO_PORT"
  step "Send HTTP 500s and slow requests to $CANARY_SERVICE from the load tester for $FAIL_DURATION" \
    "kubectl --context $KUBE_CONTEXT -n $LOADTESTER_NAMESPACE logs deployment/$LOADTESTER_NAME"
  run kc -n "$LOADTESTER_NAMESPACE" exec "deployment/$LOADTESTER_NAME" -- \
    sh -c "$FAULTS_SCRIPT" sh "$FAIL_DURATION" "$canary_url"

  step "Watch Flagger halt the analysis and roll back"
  watch_canary Failed started
}

# ---------------------------------------------------------------------------------------------------------
# status, down
# ---------------------------------------------------------------------------------------------------------
cmd_status() {
  [ "$#" -eq 0 ] || usage_error "status takes no arguments."
  check_prerequisites kubectl node
  if ! context_exists; then
    say "Cluster: no kubectl context $KUBE_CONTEXT; run ./setup.sh to create the cluster."
    exit 1
  fi
  need_settings APP_NAMESPACE CANARY_NAME PODINFO_DEPLOYMENT PODINFO_CONTAINER APP_HOST
  local status phase weight failed image port
  say "Cluster   $CLUSTER_NAME (context $KUBE_CONTEXT)"
  kc get nodes 2>&1 | print_lines "          " || true
  say ""
  say "Istio, Prometheus, Flagger ($ISTIO_NAMESPACE):"
  kc -n "$ISTIO_NAMESPACE" get deployment istiod istio-ingressgateway prometheus flagger 2>&1 | print_lines "          " || true
  say ""
  say "Workloads ($APP_NAMESPACE):"
  kc -n "$APP_NAMESPACE" get deployment,hpa 2>&1 | print_lines "          " || true
  say ""
  if status=$(canary_status 2>/dev/null); then
    IFS='|' read -r phase weight failed <<<"$status"
    image=$(podinfo_image 2>/dev/null) || image="unknown"
    say_printable "Canary    $APP_NAMESPACE/$CANARY_NAME: phase ${phase:-(none)}, canary weight ${weight:-0}%, failed checks ${failed:-0}"
    say_printable "          $PODINFO_DEPLOYMENT target image: ${image:-unknown}"
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
