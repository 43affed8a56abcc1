# shellcheck shell=bash
# Shared by the stub tools: record the call, then fail it if STUB_FAIL asks for that.
#   STUB_LOG    file that gets one line per call: the tool's name and its arguments
#   STUB_STATE  directory where stubs keep state between calls (clusters, namespaces, counters)
#   STUB_FAIL   newline-separated substrings; a call containing one of them fails with status 1
set -euo pipefail

stub_name=$(basename "$0")
stub_call="$stub_name $*"
printf '%s\n' "$stub_call" >>"$STUB_LOG"

while IFS= read -r stub_pattern; do
  if [ -n "$stub_pattern" ] && [[ "$stub_call" == *"$stub_pattern"* ]]; then
    printf '%s: simulated failure of: %s\n' "$stub_name" "$stub_call" >&2
    exit 1
  fi
done <<<"${STUB_FAIL:-}"

# The kind clusters that exist, one a line; seeded from STUB_KIND_CLUSTERS (space-separated) on first use.
stub_clusters_file() {
  local file="$STUB_STATE/kind-clusters"
  if [ ! -f "$file" ]; then
    : >"$file"
    local name
    for name in ${STUB_KIND_CLUSTERS:-}; do printf '%s\n' "$name" >>"$file"; done
  fi
  printf '%s\n' "$file"
}
