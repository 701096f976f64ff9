#!/usr/bin/env bash
# A/B of the streaming indicators between a commit and the working tree, in CPU time, on a loaded
# machine: bench/ab/indicators-ab.sh <old-sha> [prefix,prefix…] [rounds=7]
# Extracts src/main/engine/indicators of <old-sha> with `git archive` into a temporary folder (no
# worktree, no checkout) and runs bench/ab/indicators-ab.ts, which alternates both in one process.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
old=$1; prefixes=${2:-}; rounds=${3:-7}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
git -C "$root" archive "$old" src/main/engine/indicators | tar -x -C "$tmp"
cd "$root" && node --import tsx bench/ab/indicators-ab.ts "$tmp/src/main/engine/indicators" "$prefixes" "$rounds"
