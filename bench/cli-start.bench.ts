/**
 * CLI start-up: wall time of `node -e 0`, `libra --help` and the README's sample backtest, run
 * interleaved (each round runs every case once, so machine load hits them alike), from the
 * ahead-of-time build and, for comparison, from the sources through tsx (LIBRA_FROM_SOURCE=1).
 * Prints medians, ratios to the bare node start of the same run, and the targets
 * (`--help` ≤ 5×, sample backtest ≤ 15×). LIBRA_BENCH_ROUNDS sets the rounds (default 7).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const ROUNDS = Number(process.env.LIBRA_BENCH_ROUNDS ?? 7);
const out = mkdtempSync(join(tmpdir(), 'libra-cli-bench-'));
const BIN = join(ROOT, 'bin/libra.js');
const SAMPLE = ['backtest', '--data', join(ROOT, 'resources/sample-data/BTC-USD_coinbase_4h_2016-2025.csv'), '--strategy', 'sma-cross', '--html', join(out, 'report.html')];

interface Case {
  readonly name: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
}
const CASES: readonly Case[] = [
  { name: 'node -e 0', args: ['-e', '0'] },
  { name: 'libra --help', args: [BIN, '--help'] },
  { name: 'libra backtest (README sample)', args: [BIN, ...SAMPLE] },
  { name: 'libra --help (tsx, from sources)', args: [BIN, '--help'], env: { LIBRA_FROM_SOURCE: '1' } },
  { name: 'libra backtest (tsx, from sources)', args: [BIN, ...SAMPLE], env: { LIBRA_FROM_SOURCE: '1' } },
];

function time(c: Case): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, c.args, { cwd: out, env: { ...process.env, ...c.env }, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${c.name} exited ${r.status}: ${r.stderr.toString().slice(-500)}`);
  return ms;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

// One start first, so a stale build is rebuilt outside the measurement.
time(CASES[1]!);
const samples = new Map<string, number[]>(CASES.map((c) => [c.name, []]));
for (let i = 0; i < ROUNDS; i++) for (const c of CASES) samples.get(c.name)!.push(time(c));
rmSync(out, { recursive: true, force: true });

const base = median(samples.get('node -e 0')!);
const results = Object.fromEntries(
  CASES.map((c) => {
    const xs = samples.get(c.name)!;
    return [c.name, { medianMs: Math.round(median(xs)), minMs: Math.round(Math.min(...xs)), ratio: Math.round((median(xs) / base) * 10) / 10 }];
  }),
);
const ratio = (name: string): number => results[name]!.ratio;
console.log(
  JSON.stringify({
    rounds: ROUNDS,
    results,
    targets: {
      'libra --help': { ratio: ratio('libra --help'), target: 5, met: ratio('libra --help') <= 5 },
      'libra backtest (README sample)': { ratio: ratio('libra backtest (README sample)'), target: 15, met: ratio('libra backtest (README sample)') <= 15 },
    },
  }),
);
