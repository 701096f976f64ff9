#!/usr/bin/env bash
# A/B of tick to order on the wire (bench/ccxt.bench.ts, the encoder path alone), an old commit
# vs this worktree, alternated (old new, new old, …) so both sides see the same load:
#   bench/ab/ccxt-ab.sh <old-sha> [rounds=2] [budget-s=100]
# The old side is `git archive`d into a temporary folder (nothing checked out) and runs with this
# worktree's node_modules and native addon. Each run is its own process (`--expose-gc`, as
# `npm run bench` runs it); one JSON line per run: load average, ticks, latency, heap counters.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
old=$1; rounds=${2:-2}; budget=${3:-100}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
git -C "$root" archive "$old" package.json tsconfig.json tsconfig.base.json tsconfig.main.json src bench test native | tar -x -C "$tmp"
ln -s "$root/node_modules" "$tmp/node_modules"
cp "$root"/native/*.node "$tmp/native/" 2>/dev/null || true
run() { # <label> <dir>
  (cd "$2" && CCXT_BENCH_ONLY=encoder CCXT_BENCH_BUDGET_S=$budget node --expose-gc --import tsx bench/ccxt.bench.ts) | node -e '
let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
  const j = JSON.parse(s.trim().split("\n").pop()), t = j.tickToWire;
  console.log(JSON.stringify({ side: process.argv[1], load: j.loadAverage, ticks: t.ticks, perSecond: t.ticksPerSecond, latencyMs: t.latencyMs, heap: t.heap, slowTicksOverlappingGc: t.pauses.slowTicksOverlappingAnyGc, frameToStrategy: t.stagesMs.frameToStrategy, submitToWire: t.stagesMs.submitToWire }));
});' "$1"
}
for i in $(seq 1 "$rounds"); do
  if [ $((i % 2)) -eq 1 ]; then run old "$tmp"; run new "$root"; else run new "$root"; run old "$tmp"; fi
done
