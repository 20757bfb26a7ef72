#!/usr/bin/env bash
# Refresh the browser libraries vendored under gradtrace/static/vendor/.
#
# Why: the playground must work with no network and without Node at runtime or in
# Docker, so the ES-module builds of its libraries are committed. This script is the only
# place that talks to the npm registry; run it by hand when bumping a version, review the
# diff, and commit gradtrace/static/vendor/ on its own.
#
# Usage: scripts/vendor.sh            (needs npm; writes gradtrace/static/vendor/ and VERSIONS.txt)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="$ROOT/gradtrace/static/vendor"

# Pinned versions. CodeMirror packages: the 6.x line; the list is the dependency closure of
# view + commands + language + lang-python (npm would resolve the same versions).
PACKAGES=(
  "elkjs@0.12.1"
  "cytoscape@3.34.4"
  "@codemirror/state@6.7.6"
  "@codemirror/view@6.43.15"
  "@codemirror/language@6.13.1"
  "@codemirror/commands@6.11.1"
  "@codemirror/autocomplete@6.20.4"
  "@codemirror/streamparser@6.0.0"
  "@codemirror/lang-python@6.2.1"
  "@lezer/common@1.5.5"
  "@lezer/highlight@1.2.5"
  "@lezer/lr@1.4.12"
  "@lezer/python@1.1.19"
  "@marijn/find-cluster-break@1.0.2"
  "style-mod@4.1.4"
  "w3c-keyname@2.2.8"
  "crelt@1.0.7"
  "swagger-ui-dist@5.36.0"
)

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
cd "$TMP"
npm init -y >/dev/null
npm install --no-audit --no-fund --ignore-scripts --save-exact "${PACKAGES[@]}" >/dev/null

copy_pkg() {  # copy_pkg <name> <file in package>...: copy files + license into vendor/<name>/
  local name="$1"; shift
  local src="$TMP/node_modules/$name" out="$DEST/$name"
  rm -rf "$out" && mkdir -p "$out"
  for f in "$@"; do cp "$src/$f" "$out/$(basename "$f")"; done
  for lic in LICENSE LICENSE.md LICENSE.txt; do
    if [[ -f "$src/$lic" ]]; then cp "$src/$lic" "$out/"; fi
  done
}

copy_pkg elkjs lib/elk.bundled.js
copy_pkg cytoscape dist/cytoscape.esm.min.mjs
for p in state view language commands autocomplete streamparser lang-python; do
  copy_pkg "@codemirror/$p" dist/index.js
done
for p in common highlight lr python; do
  copy_pkg "@lezer/$p" dist/index.js
done
copy_pkg @marijn/find-cluster-break src/index.js
copy_pkg style-mod src/style-mod.js
copy_pkg w3c-keyname index.js
copy_pkg crelt index.js
# /docs (Swagger UI) served from these files, so the API docs work with no network
copy_pkg swagger-ui-dist swagger-ui-bundle.js swagger-ui.css

{
  echo "# Vendored by scripts/vendor.sh on $(date -u +%Y-%m-%d); do not edit by hand."
  for spec in "${PACKAGES[@]}"; do
    name="${spec%@*}"
    echo "$name $(node -p "require('./node_modules/$name/package.json').version") $(node -p "require('./node_modules/$name/package.json').license")"
  done
} > "$DEST/VERSIONS.txt"
echo "vendored into $DEST:"
cat "$DEST/VERSIONS.txt"
