#!/usr/bin/env bash
# Runs the pinned Auth0 Deploy CLI's `export --format directory` against a running auth0-sim.
# Usage: run-export.sh DOMAIN SIM_BASE_URL CLIENT_ID CLIENT_SECRET OUT_DIR
# Installs the pinned package (package.json) into ./node_modules (git-ignored) when missing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
domain="$1"; base="$2"; client_id="$3"; client_secret="$4"; out="$5"
if [ ! -x "$here/node_modules/.bin/a0deploy" ]; then
  (cd "$here" && npm install --no-audit --no-fund --silent >/dev/null)
fi
config="$(mktemp)"
trap 'rm -f "$config"' EXIT
cat > "$config" <<JSON
{
  "AUTH0_DOMAIN": "$domain",
  "AUTH0_CLIENT_ID": "$client_id",
  "AUTH0_CLIENT_SECRET": "$client_secret",
  "AUTH0_EXPORT_IDENTIFIERS": true,
  "AUTH0_API_MAX_RETRIES": 10
}
JSON
AUTH0_SIM_DOMAIN="$domain" AUTH0_SIM_BASE="$base" \
NODE_OPTIONS="--require $here/rewrite-fetch.cjs" \
  "$here/node_modules/.bin/a0deploy" export --format directory --output_folder "$out" --config_file "$config"
