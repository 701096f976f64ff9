#!/usr/bin/env bash
# A/B of the backtest engine between two commits, in CPU time, on a loaded machine:
#   bench/ab/backtest-ab.sh <old-sha> <new-sha|WORKTREE> [rounds=3] [bars=1000000]
# Bundles bench/ab/run-backtest.ts (esbuild) at each side — the old one from a detached worktree
# it makes and removes (never touching yours) — then runs both side by side `rounds` times, so
# both see the same load, and prints each round's new/old ratio of best bars per CPU-second.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
old=$1; new=${2:-WORKTREE}; rounds=${3:-3}; bars=${4:-1000000}
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
for i in $(seq "$rounds"); do
  node "$root/bench/ab/.old.mjs" "$bars" 2 > "$tmp/o.json" & node "$root/bench/ab/.new.mjs" "$bars" 2 > "$tmp/n.json"; wait
  node -e 'const [o,n]=process.argv.slice(1,3).map(f=>JSON.parse(require("fs").readFileSync(f,"utf8")));console.log(JSON.stringify({round:+process.argv[3],old:o.best,new:n.best,ratio:+(n.best/o.best).toFixed(3),oldTrades:o.trades,newTrades:n.trades}))' "$tmp/o.json" "$tmp/n.json" "$i"
done
