#!/usr/bin/env bash
# A/B of the terminal bench (bench/terminal.bench.ts) between two commits, on a shared machine:
#   bench/ab/terminal-ab.sh <old-sha> [new-sha|WORKTREE] [pairs=4]
# Checks each commit out in a detached worktree under /tmp (never touching yours; WORKTREE = this
# checkout as it is, uncommitted changes included), runs the SAME bench file (this checkout's) in
# both, alternated A B, B A, … so both sides see the same load, and prints per run the main
# window's long tasks (count, longest), fps (mean, worst second), main-thread ms/s and the load
# average, per pair the new − old differences, then a JSON summary (medians per side).
# Env: LIBRA_TERMINAL_* pass through to the bench (e.g. LIBRA_TERMINAL_SECONDS).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
old=$1; new=${2:-WORKTREE}; pairs=${3:-4}
tmp=$(mktemp -d /tmp/terminal-ab.XXXXXX)
cleanup() {
  for d in "$tmp"/wt-*; do [ -d "$d" ] && git -C "$root" worktree remove --force "$d" >/dev/null 2>&1 || true; done
  git -C "$root" worktree prune >/dev/null 2>&1 || true
  rm -rf "$tmp" "$root/bench/.terminal-ab.tmp.ts"
}
trap cleanup EXIT
checkout() { # <commit|WORKTREE> <name> → prints the directory to run in
  if [ "$1" = WORKTREE ]; then echo "$root"; return; fi
  local dir=$tmp/wt-$2
  git -C "$root" worktree add --detach "$dir" "$1" >/dev/null 2>&1
  ln -s "$root/node_modules" "$dir/node_modules"
  # The native addon is built, not committed: share this checkout's.
  for f in "$root"/native/*.node; do [ -e "$f" ] && ln -sf "$f" "$dir/native/"; done
  echo "$dir"
}
A=$(checkout "$old" old); B=$(checkout "$new" new)
# The same bench file on both sides (this checkout's), beside each side's sources.
for d in "$A" "$B"; do cp "$root/bench/terminal.bench.ts" "$d/bench/.terminal-ab.tmp.ts"; done
run() { # <dir> <label> <index>
  local out=$tmp/$2-$3.json
  (cd "$1" && node --expose-gc --import tsx bench/.terminal-ab.tmp.ts > "$out" 2> "$tmp/$2-$3.err") || true
  node -e '
    const fs = require("node:fs");
    const [file, side, i, load] = process.argv.slice(1);
    const last = fs.readFileSync(file, "utf8").trim().split("\n").pop() || "{}";
    let r; try { r = JSON.parse(last); } catch { r = { error: "no JSON" }; }
    const w = (r.windows || [])[0];
    const row = w ? { side, run: Number(i), load: Number(load), longTasks: w.longTasks.count, longestMs: w.longTasks.longestMs, fpsMean: w.fps.mean, worst1s: w.fps.worst1s,
      taskMsPerSec: w.mainThreadMsPerSec.TaskDuration, scriptMsPerSec: w.mainThreadMsPerSec.ScriptDuration, layoutMsPerSec: w.mainThreadMsPerSec.LayoutDuration,
      chartWindowsLongTasks: (r.windows || []).slice(1).map((x) => x.longTasks.count), chartWindowsWorst1s: (r.windows || []).slice(1).map((x) => x.fps.worst1s),
      fillP99: r.fillToChartMs ? r.fillToChartMs.p99 : null, met: r.met } : { side, run: Number(i), error: r.error || r.skipped || "no windows" };
    fs.writeFileSync(file + ".row", JSON.stringify(row));
    console.log(JSON.stringify(row));
  ' "$out" "$2" "$3" "$(cut -d" " -f1 /proc/loadavg)"
}
for i in $(seq 1 "$pairs"); do
  if [ $((i % 2)) -eq 1 ]; then run "$A" old "$i"; run "$B" new "$i"; else run "$B" new "$i"; run "$A" old "$i"; fi
  node -e '
    const fs = require("node:fs");
    const [dir, i] = process.argv.slice(1);
    const o = JSON.parse(fs.readFileSync(`${dir}/old-${i}.json.row`, "utf8")), n = JSON.parse(fs.readFileSync(`${dir}/new-${i}.json.row`, "utf8"));
    const d = (k) => (typeof o[k] === "number" && typeof n[k] === "number" ? +(n[k] - o[k]).toFixed(1) : null);
    console.log(JSON.stringify({ pair: Number(i), newMinusOld: { longTasks: d("longTasks"), longestMs: d("longestMs"), worst1s: d("worst1s"), fpsMean: d("fpsMean"), taskMsPerSec: d("taskMsPerSec"), scriptMsPerSec: d("scriptMsPerSec"), layoutMsPerSec: d("layoutMsPerSec") } }));
  ' "$tmp" "$i"
done
node -e '
  const fs = require("node:fs");
  const [dir, pairs, old, neu] = process.argv.slice(1);
  const rows = (side) => Array.from({ length: Number(pairs) }, (_, i) => JSON.parse(fs.readFileSync(`${dir}/${side}-${i + 1}.json.row`, "utf8"))).filter((r) => !r.error);
  const med = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length === 0 ? null : s.length % 2 ? s[(s.length - 1) / 2] : +((s[s.length / 2 - 1] + s[s.length / 2]) / 2).toFixed(1); };
  const side = (rs) => ({ runs: rs.length, runsWithoutLongTask: rs.filter((r) => r.longTasks === 0).length, medianLongTasks: med(rs.map((r) => r.longTasks)), medianLongestMs: med(rs.map((r) => r.longestMs)),
    medianWorst1s: med(rs.map((r) => r.worst1s)), medianFpsMean: med(rs.map((r) => r.fpsMean)), medianTaskMsPerSec: med(rs.map((r) => r.taskMsPerSec)), medianScriptMsPerSec: med(rs.map((r) => r.scriptMsPerSec)),
    medianLayoutMsPerSec: med(rs.map((r) => r.layoutMsPerSec)), chartWindowsLongTasksTotal: rs.reduce((n, r) => n + r.chartWindowsLongTasks.reduce((a, b) => a + b, 0), 0), medianLoad: med(rs.map((r) => r.load)) });
  console.log(JSON.stringify({ bench: "terminal-ab", window: "main", old, new: neu, pairs: Number(pairs), oldSide: side(rows("old")), newSide: side(rows("new")) }));
' "$tmp" "$pairs" "$old" "$new"
