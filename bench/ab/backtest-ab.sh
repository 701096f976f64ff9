#!/usr/bin/env bash
# A/B of the backtest engine between two commits, in CPU time, on a loaded machine:
#   bench/ab/backtest-ab.sh <old-sha> <new-sha|WORKTREE> [rounds=6] [bars=1000000]
# Bundles bench/ab/run-backtest.ts (esbuild) at each side — the old one from a detached worktree
# it makes and removes (never touching yours) — then alternates both in one process `rounds` times, so
# both see the same load, and prints each round's new/old ratio of bars per CPU-second and the median.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
old=$1; new=${2:-WORKTREE}; rounds=${3:-6}; bars=${4:-1000000}
tmp=$(mktemp -d); trap 'git -C "$root" worktree remove --force "$tmp/wt" >/dev/null 2>&1 || true; rm -rf "$tmp" "$root/bench/ab/.old.mjs" "$root/bench/ab/.new.mjs"' EXIT
esb="$root/node_modules/.bin/esbuild"
bundle() { # <checkout dir> <out>
  cp "$root/bench/ab/run-backtest.ts" "$1/bench/ab-run-backtest.tmp.ts" 2>/dev/null || { mkdir -p "$1/bench"; cp "$root/bench/ab/run-backtest.ts" "$1/bench/ab-run-backtest.tmp.ts"; }
  sed -i "s#'\.\./\.\./src/#'../src/#" "$1/bench/ab-run-backtest.tmp.ts"
  "$esb" --bundle --platform=node --format=esm --packages=external "$1/bench/ab-run-backtest.tmp.ts" --outfile="$2" --log-level=error
  rm -f "$1/bench/ab-run-backtest.tmp.ts"
}
git -C "$root" worktree add --detach "$tmp/wt" "$old" >/dev/null 2>&1
bundle "$tmp/wt" "$root/bench/ab/.old.mjs"
if [ "$new" = WORKTREE ]; then bundle "$root" "$root/bench/ab/.new.mjs"; else
  git -C "$tmp/wt" checkout -q --detach "$new"; bundle "$tmp/wt" "$root/bench/ab/.new.mjs"; fi
# Both sides in one process, alternated (A B, B A, …) after a warm-up each: they share the load.
node --input-type=module -e '
const [a, b, rounds, bars] = process.argv.slice(1);
const A = await import(a), B = await import(b), N = Number(bars);
if (!(N >= 1) || !(Number(rounds) >= 1)) throw new Error("rounds and bars must be ≥ 1");
await A.run(200000); await B.run(200000);
const ratios = [];
for (let i = 0; i < Number(rounds); i++) {
  const [x, y] = i % 2 === 0 ? [await A.run(N), await B.run(N)] : [await B.run(N), await A.run(N)].reverse();
  ratios.push(+(x.cpuMs / y.cpuMs).toFixed(3));
  console.log(JSON.stringify({ round: i + 1, oldBarsPerCpuSec: Math.round(N / x.cpuMs * 1000), newBarsPerCpuSec: Math.round(N / y.cpuMs * 1000), ratio: ratios[i], oldTrades: x.trades, newTrades: y.trades }));
}
console.log(JSON.stringify({ medianRatioNewOverOld: [...ratios].sort((p, q) => p - q)[Math.floor(ratios.length / 2)] }));
' "$root/bench/ab/.old.mjs" "$root/bench/ab/.new.mjs" "$rounds" "$bars"
