/**
 * A/B of streaming indicator updates between an old copy of src/main/engine/indicators (a folder,
 * e.g. extracted by bench/ab/indicators-ab.sh from a commit) and the working tree, in one process
 * so both sides see the same load: `npx tsx bench/ab/indicators-ab.ts <oldDir> [prefixes] [rounds]`.
 *
 * Every indicator of both sides (and a do-nothing baseline) goes through one `run` loop and is
 * warmed up first, so the call site is megamorphic as in bench/indicators.bench.ts. Each round
 * times old and new (order alternating between rounds) over the same UPDATES bars, in CPU time
 * (process.cpuUsage: user + system, which a descheduled process does not accrue) and wall time.
 * Prints one JSON line per indicator: medians in ns/update of both and the median of the
 * per-round new/old CPU-time ratios, the fastest round of each (the least disturbed by other
 * processes), then a summary line with the load average before and after.
 */
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { IndicatorInput } from '../../src/main/engine/indicators/index';
import { createIndicator, KNOWN_INDICATORS } from '../../src/main/engine/indicators/index';
import { buildBars } from '../indicators/bars';

interface Runnable {
  readonly name: string;
  update(bar: IndicatorInput): void;
}
interface Registry {
  createIndicator(spec: string): { indicator: Runnable };
  KNOWN_INDICATORS: readonly string[];
}

const UPDATES = 1_000_000;
const [oldDir, prefixArg = '', roundsArg = '7'] = process.argv.slice(2);
if (oldDir === undefined) throw new Error('usage: indicators-ab.ts <oldDir> [prefix,prefix…] [rounds]');
const rounds = Number(roundsArg);
const old = (await import(pathToFileURL(resolve(oldDir, 'registry.ts')).href)) as Registry;

const bars = buildBars(UPDATES);
const baseline: Runnable = { name: 'baseline', update(_bar: IndicatorInput): void {} };

/** The one timed loop; returns [cpu ns, wall ns] per update. */
function run(ind: Runnable, count: number): [number, number] {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < count; i++) ind.update(bars[i]!);
  const t1 = process.hrtime.bigint();
  const c = process.cpuUsage(c0);
  return [((c.user + c.system) * 1000) / count, Number(t1 - t0) / count];
}

const olds = old.KNOWN_INDICATORS.map((s) => old.createIndicator(s).indicator);
const news = KNOWN_INDICATORS.map((s) => createIndicator(s).indicator);
for (let w = 0; w < 2; w++) for (const ind of [baseline, ...olds, ...news]) run(ind, 300_000);

const prefixes = prefixArg.split(',').filter((p) => p !== '');
const pick = (ind: Runnable): boolean => prefixes.length === 0 || prefixes.some((p) => ind.name.startsWith(p));
const median = (v: readonly number[]): number => [...v].sort((a, b) => a - b)[v.length >> 1]!;
const r1 = (v: number): number => Math.round(v * 10) / 10;
const load0 = loadavg()[0]!;
const base: number[] = [];
for (let i = 0; i < news.length; i++) {
  const a = olds.find((o) => o.name === news[i]!.name);
  const b = news[i]!;
  if (a === undefined || !pick(b)) continue;
  const oc: number[] = [];
  const nc: number[] = [];
  const ow: number[] = [];
  const nw: number[] = [];
  const ratio: number[] = [];
  for (let r = 0; r < rounds; r++) {
    base.push(run(baseline, UPDATES)[0]);
    const [x, y] = r % 2 === 0 ? [run(a, UPDATES), run(b, UPDATES)] : [run(b, UPDATES), run(a, UPDATES)].reverse();
    oc.push(x![0]);
    ow.push(x![1]);
    nc.push(y![0]);
    nw.push(y![1]);
    ratio.push(y![0] / x![0]);
  }
  process.stdout.write(
    `${JSON.stringify({ name: b.name, oldCpuNs: r1(median(oc)), newCpuNs: r1(median(nc)), oldWallNs: r1(median(ow)), newWallNs: r1(median(nw)), newOverOld: Math.round(median(ratio) * 1000) / 1000, oldMinCpuNs: r1(Math.min(...oc)), newMinCpuNs: r1(Math.min(...nc)) })}\n`,
  );
}
process.stdout.write(`${JSON.stringify({ baselineCpuNs: r1(median(base)), rounds, updates: UPDATES, load1: [r1(load0), r1(loadavg()[0]!)] })}\n`);
