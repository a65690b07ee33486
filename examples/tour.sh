#!/usr/bin/env bash
# A short tour of the stowage CLI on the default store: the folder ./.stowage-store, made on first
# use. Run from anywhere after `pnpm install`: bash examples/tour.sh
# Every step prints the command it runs; the same commands work with `pnpm stowage …` from the
# repository root, or `stowage …` once @stowage/cli is installed.
set -euo pipefail
cd "$(dirname "$0")/.."

# The CLI from source, as the root `pnpm stowage` script runs it (no build needed).
stowage() { node_modules/.bin/tsx --tsconfig tsconfig.json packages/cli/src/bin.ts "$@"; }
step() {
  printf '\n\033[1m$ stowage %s\033[0m\n' "$*"
  stowage "$@"
}

work=.tmp/tour
mkdir -p "$work"
# 64 MiB of random bytes: big enough to watch the progress bar move.
head -c $((64 * 1024 * 1024)) /dev/urandom > "$work/holiday.mp4"

# Start clean when the tour ran before (quietly: no bucket yet is fine).
stowage rb --force --quiet stow://tour 2>/dev/null || true

step mb stow://tour
step cp --metadata camera=pocket "$work/holiday.mp4" stow://tour/videos/holiday.mp4
step cp README.md stow://tour/docs/
step ls
step ls stow://tour
step ls --recursive --summarize stow://tour
step stat stow://tour/videos/holiday.mp4
step cp stow://tour/videos/holiday.mp4 "$work/holiday-copy.mp4"

printf '\n\033[1m$ cmp %s %s\033[0m\n' "$work/holiday.mp4" "$work/holiday-copy.mp4"
cmp "$work/holiday.mp4" "$work/holiday-copy.mp4" && echo "identical: the download matches the upload byte for byte"

printf '\n\033[1m$ stowage cat stow://tour/docs/README.md | head -n 1\033[0m\n'
stowage cat stow://tour/docs/README.md | head -n 1

printf '\n\033[1m$ stowage stat stow://tour/videos/missing.mp4\033[0m\n'
stowage stat stow://tour/videos/missing.mp4 || echo "(exit code $?: errors are one line naming the code and the location)"

cat <<'DONE'

Done. The store is plain files: `find .stowage-store/tour` shows them. Next:
  npx -y pnpm@12.4.2 stowage --help          every command
  npx -y pnpm@12.4.2 stowage sync --help     copy only what changed, like aws s3 sync
  STOWAGE_STORE='s3://?region=eu-west-1' …   the same commands on Amazon S3
DONE
