#!/usr/bin/env bash
# Packs every published package as pnpm publishes it (workspace ranges rewritten) and checks it as
# users will get it: publint (package.json fields, exports, the files shipped) and Are the Types
# Wrong (types that resolve for ESM and CommonJS users under node10, node16 and bundler).
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for dir in packages/*/; do
  [ "$(node -p "require('./${dir}package.json').private === true")" = true ] && continue
  echo "== ${dir}"
  (cd "$dir" && npx -y pnpm@12.4.2 pack --pack-destination "$out" >/dev/null && npx publint --pack npm --strict)
done
for tarball in "$out"/*.tgz; do
  npx attw "$tarball" --format ascii --quiet || { echo "attw: problems in $(basename "$tarball")"; exit 1; }
done
echo "every package: publint and attw found no problems"
