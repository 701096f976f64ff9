/**
 * `libra serve`: the engine headless, its UI over WebSocket for a browser. With `--config FILE`
 * it runs that session (the JSON `libra run` reads: paper/live venues, strategies, risk, record)
 * through the kernel; without, the first-run paper replay. It serves the built renderer and the
 * IPC contract on loopback, and prints the URL with its token on a line of its own. Runs until
 * SIGINT/SIGTERM.
 */
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { firstRunRisk, Kernel } from '../../kernel';
import type { AgentDesk, TradingSession } from '../../kernel';
import type { RiskConfig } from '../../engine/risk/risk-gate';
import { EngineHost } from '../../host/engine-host';
import { alertsFile, loadAlerts, saveAlerts } from '../../host/alerts-store';
import { startWsServer } from '../../host/ws/server';
import { bool, list, num, parseFlags, str, usage, UsageError } from '../args';
import type { FlagSpec } from '../args';

export const SERVE_FLAGS: Readonly<Record<string, FlagSpec>> = {
  config: { type: 'string', description: 'session config JSON (as `libra run --config`); default: the first-run paper replay' },
  keys: { type: 'string', description: 'encrypted key file for live venues (default <data-dir>/keys.json; passphrase from LIBRA_KEY_PASSPHRASE)' },
  port: { type: 'number', description: 'TCP port (default 7420; 0 = a free port)' },
  host: { type: 'string', description: 'address to bind (default 127.0.0.1; anything else exposes your account to the network)' },
  'data-dir': { type: 'string', description: 'data folder (alerts, settings)' },
  'allow-dir': { type: 'string', repeat: true, description: 'a folder the Backtest panel may read data files from, besides the data folder and the bundled samples' },
  speed: { type: 'number', description: 'replay speed in bars per second (default 2)' },
  capital: { type: 'number', description: 'paper account capital in quote currency (default 10000)' },
  'max-notional': { type: 'number', description: 'risk gate: max notional per order in quote currency (default 50000)' },
  static: { type: 'string', description: 'built renderer folder (default .vite/renderer/main_window)' },
  token: { type: 'string', description: 'access token (default: random, printed in the URL)' },
  'token-file': { type: 'string', description: 'keep the access token in FILE across restarts: read it if present, else create it (mode 0600)' },
  'no-start': { type: 'boolean', description: 'do not start the replay pump (tests)' },
  help: { type: 'boolean', description: 'show this help' },
};

/** A token as `libra serve` makes them (base64url), long enough not to be guessed. */
const TOKEN_RE = /^[A-Za-z0-9_-]{16,256}$/;

/**
 * The token kept in `file`: read when the file exists (one base64url line, at least 16
 * characters), else a fresh random one written there with mode 0600. Errors name the file and
 * never quote its contents.
 */
export function loadOrCreateToken(file: string): string {
  if (existsSync(file)) {
    if (!statSync(file).isFile()) throw new UsageError(`--token-file ${file} is not a file`);
    const token = readFileSync(file, 'utf8').trim();
    if (!TOKEN_RE.test(token)) throw new UsageError(`--token-file ${file} does not hold a token (expected one line of 16-256 letters, digits, '-' or '_')`);
    if ((statSync(file).mode & 0o077) !== 0) {
      chmodSync(file, 0o600);
      process.stderr.write(`libra serve: ${file} was readable by other users; its mode is now 0600\n`);
    }
    return token;
  }
  const token = randomBytes(24).toString('base64url');
  try {
    writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    throw new UsageError(`--token-file ${file} cannot be created: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  return token;
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
export const DEFAULT_STATIC_DIR = resolve(ROOT, '.vite/renderer/main_window');

export async function run(argv: string[], kernel: Kernel): Promise<void> {
  const flags = parseFlags(argv, SERVE_FLAGS, 'serve');
  if (bool(flags, 'help')) {
    process.stdout.write(`${usage('serve', 'run the engine headless and serve the UI over WebSocket', SERVE_FLAGS)}\n`);
    return;
  }
  const port = num(flags, 'port') ?? 7420;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0..65535, got ${port}`);
  const speed = num(flags, 'speed') ?? 2;
  const maxNotional = num(flags, 'max-notional') ?? 50_000;
  const risk: RiskConfig = firstRunRisk(maxNotional);
  const configFile = str(flags, 'config');
  const keysFile = str(flags, 'keys');
  if (keysFile && !configFile) throw new UsageError('--keys needs --config (the first-run replay uses no keys)');
  const dataDirFlag = str(flags, 'data-dir');
  const allowDirs = list(flags, 'allow-dir').map((d) => resolve(d));
  for (const d of allowDirs) {
    if (!existsSync(d) || !statSync(d).isDirectory()) throw new UsageError(`--allow-dir ${d} is not a folder`);
  }
  const k = new Kernel({ dataDir: dataDirFlag ?? kernel.dataDir, risk });
  k.ensureDataDir();
  let servedDataDir = k.dataDir;
  let session: TradingSession;
  let stopSession: () => Promise<void>;
  let startSession = (): void => undefined;
  let banner: string;
  let agents: AgentDesk | undefined;
  let cluster: { redis: string; prefix: string; node: string } | undefined;
  if (configFile) {
    const config = k.sessions.loadConfig(configFile);
    const dataDir = dataDirFlag ?? config.dataDir ?? k.dataDir;
    servedDataDir = dataDir;
    const run = await k.sessions.startRun({
      config,
      dataDir,
      label: basename(configFile),
      ...(keysFile ? { keysFile } : {}),
      print: (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`),
    });
    session = run.session;
    stopSession = () => run.stop();
    if (config.agents.length > 0) agents = k.agentDesk(dataDir);
    if (config.cluster) cluster = { redis: config.cluster.redis, prefix: config.cluster.prefix, node: config.cluster.node };
    banner = `libra serve: session ${basename(configFile)} (${config.venues.map((v) => `${v.name ?? v.ccxtId.toUpperCase()} ${v.mode}`).join(', ')})${config.record ? ', recording' : ''}, data in ${dataDir}`;
  } else {
    const replay = await k.sessions.startReplay({
      time: { now: () => Date.now(), schedule: (ms, fn) => { const t = setTimeout(fn, ms); return () => clearTimeout(t); } },
      speed,
      capital: num(flags, 'capital') ?? 10_000,
    });
    session = replay;
    stopSession = async () => replay.stop();
    if (!bool(flags, 'no-start')) startSession = () => replay.start();
    banner = `libra serve: paper replay of ${replay.instrument.symbol} ${replay.timeframe} at ${speed} bars/s, data in ${k.dataDir}`;
  }
  const file = alertsFile(k.dataDir);
  const allowedDirs = [resolve(servedDataDir), ...allowDirs];
  // The "Venue keys…" dialog writes into the key file this session reads (no keychain headless).
  const keys = k.keys.book({ keysFile, passphrase: process.env['LIBRA_KEY_PASSPHRASE'] });
  const host = new EngineHost(session, { kernel: k, agents, keys, alerts: loadAlerts(file), saveAlerts: (a) => saveAlerts(file, a), backtests: { allowedDirs, savedDir: join(k.dataDir, 'backtests') }, cluster });
  const staticDir = str(flags, 'static') ?? DEFAULT_STATIC_DIR;
  if (!existsSync(staticDir) && staticDir === DEFAULT_STATIC_DIR) {
    // First run from a source checkout: build the windows once (about 10 s), then serve them.
    process.stderr.write('libra serve: building the UI once (vite build -c vite.renderer.config.ts)…\n');
    const built = spawnSync(process.execPath, [resolve(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '-c', 'vite.renderer.config.ts', '--logLevel', 'warn'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, NODE_ENV: 'production' } });
    if (built.status !== 0) process.stderr.write(`libra serve: the UI build failed (exit ${String(built.status)}); serving the API only\n`);
  }
  if (!existsSync(staticDir)) process.stderr.write(`libra serve: no built renderer at ${staticDir} — build it with \`npm run build:renderer\` (API only until then)\n`);
  const tokenFile = str(flags, 'token-file');
  if (tokenFile && str(flags, 'token')) throw new UsageError('--token and --token-file are exclusive (the file holds the token)');
  const token = tokenFile ? loadOrCreateToken(tokenFile) : str(flags, 'token');
  const server = await startWsServer({ host, port, hostname: str(flags, 'host') ?? '127.0.0.1', staticDir, ...(token ? { token } : {}) });
  process.stdout.write(`${banner}\n`);
  process.stdout.write(`open this URL (it carries the access token):\n${server.url}\n`);
  startSession();
  await new Promise<void>((done) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  host.dispose();
  await server.close();
  await stopSession();
}
