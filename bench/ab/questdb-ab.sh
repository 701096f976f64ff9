#!/usr/bin/env bash
# A/B of the QuestDB store's trade ingest, old commit vs this worktree (or another commit):
#   bench/ab/questdb-ab.sh <old-sha> [new-sha|WORKTREE] [rounds=6] [rows=1000000]
# Bundles bench/ab/questdb-store-run.ts at each side (the old side from `git archive`, nothing
# checked out), then bench/ab/questdb-ab.ts alternates them on one real QuestDB server.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
old=$1; new=${2:-WORKTREE}; rounds=${3:-6}; rows=${4:-1000000}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
esb="$root/node_modules/.bin/esbuild"
bundle() { # <commit|WORKTREE> <out>
  local dir=$root
  if [ "$1" != WORKTREE ]; then dir=$tmp/src-$1; mkdir -p "$dir"; git -C "$root" archive "$1" src | tar -x -C "$dir"; mkdir -p "$dir/bench/ab"; fi
  cp "$root/bench/ab/questdb-store-run.ts" "$root/bench/ab/thread-cpu.ts" "$tmp/"
  sed -e "s#'\.\./\.\./src/#'$dir/src/#" "$root/bench/ab/questdb-store-run.ts" > "$tmp/run.ts"
  "$esb" --bundle --platform=node --format=esm --packages=external "$tmp/run.ts" --outfile="$2" --log-level=error
}
bundle "$old" "$tmp/old.mjs"
bundle "$new" "$tmp/new.mjs"
cd "$root" && node --import tsx bench/ab/questdb-ab.ts "$tmp/old.mjs" "$tmp/new.mjs" "$rounds" "$rows"
