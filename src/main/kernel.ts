/**
 * The one composition root. It builds the engine and its adapters (venues, storage, native
 * addon, …) from a config; the Electron app, `libra serve`, the CLI and the integration tests all
 * start here. The engine defines the interfaces it needs; adapters implement them; only the
 * kernel knows both.
 */
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Instrument } from '../shared/domain/instrument';
import type { RiskConfig, RiskGate } from './engine/risk/risk-gate';
import { createHmacSigner, createRiskGate } from './native';
import { installNativeSigning } from './native/ccxt-signing';
import type { CcxtSignable } from './native/ccxt-signing';
import type { RunConfig } from './config/run-config';
import { FileSecretStore, passphraseFrom } from './config/secrets';
import { loadStrategy } from './config/strategy-loader';
import { startRunSession } from './venues/ccxt/run-session';
import type { RunSession } from './venues/ccxt/run-session';
import { runBacktest } from './backtest/runner';
import { readAllBars } from './backtest/data';
import { PaperReplaySession } from './backtest/paper-replay';
import type { TimeSource } from './engine/clock/clock';
import { makeInstrument } from '../shared/domain/instrument';
import { parseTimeframe } from '../shared/messages/market-data';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MessageBus } from './engine/bus/message-bus';
import { DuckDbStore } from './storage/duckdb/duckdb-store';
import { Recorder } from './storage/recorder';
import type { RecorderOptions } from './storage/recorder';
import { busMarketDataSource } from './storage/bus-source';
import type { BacktestResult, BacktestSpec } from './backtest/runner';

export interface KernelConfig {
  /** Where stores and settings live (default: the user's data folder). */
  readonly dataDir?: string;
  readonly risk?: RiskConfig;
  /** Which risk gate to run: 'typescript' (default, faster here), 'native' or 'auto'. */
  readonly riskImplementation?: 'typescript' | 'native' | 'auto';
}

/** Risk limits used when none are configured: permissive per-order limits, no halts. */
export const DEFAULT_RISK: RiskConfig = {
  defaults: {},
  referencePrice: 'last',
  maxOpenOrders: 1000,
};

/**
 * Limits of the first-run paper account (the app and `libra serve`): a notional cap per order
 * so an oversized ticket is denied with its reason, as it would be on a funded live account.
 */
export function firstRunRisk(maxOrderNotional = 50_000): RiskConfig {
  return { ...DEFAULT_RISK, defaults: { ...DEFAULT_RISK.defaults, maxOrderNotional } };
}

/** The user's data folder: LIBRA_DATA_DIR, else the platform's conventional place. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LIBRA_DATA_DIR) return env.LIBRA_DATA_DIR;
  const home = homedir();
  switch (process.platform) {
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'LIBRA');
    case 'win32':
      return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'LIBRA');
    default:
      return join(env.XDG_DATA_HOME ?? join(home, '.local', 'share'), 'libra');
  }
}

export class Kernel {
  readonly dataDir: string;
  readonly risk: RiskConfig;
  readonly riskImplementation: 'typescript' | 'native' | 'auto';

  constructor(config: KernelConfig = {}) {
    this.riskImplementation = config.riskImplementation ?? 'typescript';
    this.dataDir = config.dataDir ?? defaultDataDir();
    this.risk = config.risk ?? DEFAULT_RISK;
  }

  ensureDataDir(): string {
    mkdirSync(this.dataDir, { recursive: true });
    return this.dataDir;
  }

  /** A fresh risk gate for one engine (backtest or live): the implementation the benches favour. */
  createRiskGate(instruments: readonly Instrument[] = []): RiskGate {
    const gate = createRiskGate(this.risk, this.riskImplementation);
    for (const i of instruments) gate.registerInstrument(i);
    return gate;
  }

  /**
   * Starts the first-run paper account: a paper replay of the bundled sample data (or another
   * entry of a sample index), paced by the host's real time.
   */
  async startPaperReplay(options: { time: TimeSource; speed?: number; capital?: number; resourcesDir?: string }): Promise<PaperReplaySession> {
    const dir = options.resourcesDir ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../resources/sample-data');
    const index = JSON.parse(readFileSync(resolve(dir, 'index.json'), 'utf8')) as {
      files: { file: string; symbol: string; venue: string; timeframe: string; tickSize: string; lotSize: string }[];
    };
    const entry = index.files[0];
    if (!entry) throw new Error(`no sample data listed in ${dir}/index.json`);
    const instrument = makeInstrument({ symbol: entry.symbol, venue: entry.venue, tickSize: entry.tickSize, lotSize: entry.lotSize });
    const timeframeMs = parseTimeframe(entry.timeframe);
    const bars = await readAllBars(resolve(dir, entry.file), { instrumentId: instrument.id, timeframeMs });
    return new PaperReplaySession({
      instrument,
      bars,
      timeframeMs,
      capital: options.capital ?? 10_000,
      risk: this.createRiskGate([instrument]),
      time: options.time,
      ...(options.speed !== undefined ? { speed: options.speed } : {}),
    });
  }

  /**
   * Records the market data of an engine into the embedded store, in batches off the hot path.
   * Returns the recorder (stop it to flush) and the store (close it after the recorder).
   */
  async startRecorder(bus: MessageBus, options: RecorderOptions = {}): Promise<{ recorder: Recorder; store: DuckDbStore }> {
    const store = new DuckDbStore({ dataDir: this.ensureDataDir() });
    await store.open();
    const recorder = new Recorder(busMarketDataSource(bus), store, options);
    recorder.start();
    return { recorder, store };
  }

  /**
   * Starts `libra run`: the configured strategies on the configured venues (paper: live data and
   * the simulated venue; live: the CCXT execution client), with every signed request of a live
   * venue going through the native signer (the secret moves into it and leaves the ccxt object).
   */
  async startRun(options: { config: RunConfig; dataDir?: string; keysFile?: string; print: (line: string) => void }): Promise<RunSession> {
    const { config } = options;
    const dataDir = options.dataDir ?? config.dataDir ?? this.ensureDataDir();
    const needsKeys = config.venues.some((v) => v.mode === 'live');
    const secrets = needsKeys ? new FileSecretStore(options.keysFile ?? join(dataDir, 'keys.json'), passphraseFrom(undefined)) : undefined;
    return startRunSession({
      config,
      dataDir,
      risk: createRiskGate(config.risk as RiskConfig, this.riskImplementation),
      ...(secrets ? { secrets } : {}),
      loadStrategy: (name, params) => loadStrategy(name, params),
      installSigning: (exchange) => {
        const ex = exchange as unknown as CcxtSignable;
        if (typeof ex.secret !== 'string' || ex.secret === '' || ex.secret.startsWith('-----BEGIN')) return;
        installNativeSigning(ex, { sha256: createHmacSigner('sha256', ex.secret, 'auto'), sha512: createHmacSigner('sha512', ex.secret, 'auto') });
      },
      print: options.print,
    });
  }

  /** Runs a backtest through the same engine components as live trading. */
  async backtest(spec: Omit<BacktestSpec, 'risk'> & { risk?: RiskGate }): Promise<BacktestResult> {
    return runBacktest({ ...spec, risk: spec.risk ?? this.createRiskGate() });
  }
}
