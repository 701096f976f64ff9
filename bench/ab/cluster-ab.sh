#!/usr/bin/env bash
# A/B of an order intent from a strategy process through Redis to the Binance simulator's wire
# (bench/cluster.bench.ts, LIBRA_BENCH_ONLY=intent), an old commit vs this worktree, alternated
# (old new, new old, …) so both sides see the same load:
#   bench/ab/cluster-ab.sh <old-sha> [rounds=3]
# The old side is `git archive`d into a temporary folder (nothing checked out) and runs with this
# worktree's node_modules and native addon. Each run is its own process (`--expose-gc`, as
# `npm run bench` runs it, with its own redis-server); one JSON line per run: load average before
# the run, intent→wire p50/p99/max and CPU per intent of the execution process, with the simulator
# in a process of its own (`own`) and in the execution process (`here`).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
old=$1; rounds=${2:-3}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
git -C "$root" archive "$old" package.json tsconfig.json tsconfig.base.json tsconfig.main.json src bench test native | tar -x -C "$tmp"
ln -s "$root/node_modules" "$tmp/node_modules"
cp "$root"/native/*.node "$tmp/native/" 2>/dev/null || true
run() { # <label> <dir>
  local load; load=$(cut -d' ' -f1-3 /proc/loadavg)
  (cd "$2" && LIBRA_BENCH_ONLY=intent node --expose-gc --import tsx bench/cluster.bench.ts 2>/dev/null) | node -e '
let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
  const j = JSON.parse(s.trim().split("\n").pop());
  const pick = (x) => (x.error ? { error: x.error } : { ...x.intentToWireMs, cpuUsPerIntent: x.cpuUsPerIntent, toEngineP99: x.toExecutionEngineMs.p99, engineToWireP99: x.engineToWireMs.p99 });
  console.log(JSON.stringify({ side: process.argv[1], load: process.argv[2], own: pick(j.intent), here: pick(j.intentSimInExecutionProcess) }));
});' "$1" "$load"
}
for i in $(seq 1 "$rounds"); do
  if [ $((i % 2)) -eq 1 ]; then run old "$tmp"; run new "$root"; else run new "$root"; run old "$tmp"; fi
done
