/**
 * Peers side by side: the same strategy (sma-cross 10/30, 10 bps taker fee both sides, all-in
 * long, 10 000 USD) on the same real candles (resources/sample-data BTC/USD 4h, 20 695 bars; or
 * LIBRA_PEERS_DATA=file.csv with columns time,open,high,low,close,volume) run by LIBRA and by
 * backtesting.py, vectorbt and NautilusTrader, each in its own pinned virtualenv
 * (bench/peers/requirements-*.txt, created once by bench/peers/setup-venv.sh under
 * ~/.cache/libra/peers-venv). Nothing of the peers is vendored: each bench/peers/peer_*.py
 * script drives the installed package and prints its trades and timings as JSON.
 *
 * Per engine: `wallSeconds` — the whole process as a user runs it (interpreter start, imports,
 * data load, run, report; for LIBRA `libra backtest --json`); `runSeconds` — the engine's own
 * backtest call with the data in memory (LIBRA: `kernel.backtestFile` in this process, which
 * also parses the CSV as it streams; vectorbt: its second call, after numba compiled);
 * `barsPerSecond` = bars / runSeconds. `agreement` compares the peer's trades with LIBRA's
 * (compare.ts), and every peer states its fill and sizing rules.
 * freqtrade installs (requirements-freqtrade.txt) but its backtester refuses to start without the
 * exchange's market list from the network, which this machine cannot reach; it is listed with
 * that reason.
 *
 * Run: `npm run bench -- peers` → ONE JSON object on stdout. Minutes on first run (venvs).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compareTrades } from './peers/compare';
import type { PeerTrade } from './peers/compare';
import { Kernel } from '../src/main/kernel';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const data = resolve(root, process.env['LIBRA_PEERS_DATA'] ?? 'resources/sample-data/BTC-USD_coinbase_4h_2016-2025.csv');
const venvRoot = process.env['LIBRA_PEERS_VENV'] ?? join(process.env['HOME'] ?? tmpdir(), '.cache', 'libra', 'peers-venv');
const FAST = 10;
const SLOW = 30;
const CAPITAL = 10_000;
const FEE_BPS = 10;
const LOT = '0.00000001';
const TIMEOUT_MS = 15 * 60_000;

interface PeerOutput {
  peer: string;
  version: string;
  bars: number;
  runSeconds: number;
  loadSeconds: number;
  fillRule: string;
  sizingRule: string;
  trades: PeerTrade[];
}

const round = (v: number, d = 3): number => Math.round(v * 10 ** d) / 10 ** d;

function timed(cmd: string, args: readonly string[], cwd: string): { wallSeconds: number; status: number | null; stdout: string; stderr: string } {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 28, timeout: TIMEOUT_MS });
  return { wallSeconds: (performance.now() - t0) / 1000, status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

const tmp = mkdtempSync(join(tmpdir(), 'libra-peers-'));
const jsonOut = join(tmp, 'libra.json');
const cli = timed(process.execPath, ['bin/libra.js', 'backtest', '--data', data, '--strategy', 'sma-cross', '--param', `fast=${FAST}`, '--param', `slow=${SLOW}`, '--capital', String(CAPITAL), '--fee-bps', String(FEE_BPS), '--lot-size', LOT, '--json', jsonOut, '--quiet'], root);
if (cli.status !== 0) throw new Error(`libra backtest failed (exit ${cli.status}): ${cli.stderr.slice(-500)}`);
const report = JSON.parse(readFileSync(jsonOut, 'utf8')) as { trades: PeerTrade[] };
const libraTrades = report.trades;

const kernel = new Kernel();
const runLibra = async () => {
  const t0 = performance.now();
  const outcome = await kernel.backtestFile({ strategy: 'sma-cross', params: { fast: String(FAST), slow: String(SLOW) }, path: data, capital: CAPITAL, takerFeeBps: FEE_BPS, instrument: { lotSize: LOT } });
  return { outcome, seconds: (performance.now() - t0) / 1000 };
};
// first call compiles (JIT), like vectorbt's numba; the second is the one reported
const cold = await runLibra();
const { outcome: inProcess, seconds: libraRun } = await runLibra();
const bars = inProcess.source.total;
rmSync(tmp, { recursive: true, force: true });

const rows: Record<string, unknown>[] = [
  {
    engine: 'LIBRA',
    wallSeconds: round(cli.wallSeconds),
    runSeconds: round(libraRun),
    firstRunSeconds: round(cold.seconds),
    barsPerSecond: Math.round(bars / libraRun),
    trades: libraTrades.length,
    fillRule: 'market order decided on a close fills at the next bar open (bar model)',
    sizingRule: 'sma-cross as built on this branch (see README: Strategies)',
  },
];

const setup = timed('bash', [join(root, 'bench/peers/setup-venv.sh'), 'backtesting', 'vectorbt', 'nautilus'], root);
const peerArgs = ['--data', data, '--fast', String(FAST), '--slow', String(SLOW), '--capital', String(CAPITAL), '--fee-bps', String(FEE_BPS), '--lot', LOT];
for (const [peer, venv] of [['backtesting', 'backtesting'], ['vectorbt', 'vectorbt'], ['nautilus', 'nautilus']] as const) {
  const python = join(venvRoot, venv, 'bin', 'python');
  const r = timed(python, [join(root, `bench/peers/peer_${peer}.py`), ...peerArgs], join(root, 'bench/peers'));
  const last = r.stdout.trim().split('\n').pop() ?? '';
  let out: PeerOutput;
  try {
    out = JSON.parse(last) as PeerOutput;
  } catch {
    rows.push({ engine: peer, error: `exit ${r.status}`, stderr: (r.stderr || setup.stderr).slice(-600) });
    continue;
  }
  rows.push({
    engine: out.peer,
    version: out.version,
    wallSeconds: round(r.wallSeconds),
    runSeconds: round(out.runSeconds),
    barsPerSecond: Math.round(out.bars / out.runSeconds),
    trades: out.trades.length,
    fillRule: out.fillRule,
    sizingRule: out.sizingRule,
    agreement: compareTrades(libraTrades, out.trades),
  });
}
rows.push({ engine: 'freqtrade', version: '2026.9', error: 'installs, but not run: its backtester loads the exchange market list through ccxt before reading any candle ("Could not load markets, therefore cannot start.") and no exchange is reachable here' });

process.stdout.write(`${JSON.stringify({ bench: 'peers', date: new Date().toISOString().slice(0, 10), data: data.slice(root.length + 1), bars, strategy: `sma-cross ${FAST}/${SLOW}`, feeBps: FEE_BPS, capital: CAPITAL, results: rows })}\n`);
