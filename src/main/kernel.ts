/**
 * The one composition root. It builds the engine and its adapters (venues, storage, native
 * addon, …) from a config; the Electron app, `libra serve`, the CLI and the integration tests all
 * start here. The engine defines the interfaces it needs; adapters implement them; only the
 * kernel knows both.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Instrument } from '../shared/domain/instrument';
import { makeInstrument } from '../shared/domain/instrument';
import { resolveSymbol } from '../shared/domain/symbols';
import type { Bar, BookUpdate, TradeTick } from '../shared/messages/market-data';
import { parseTimeframe } from '../shared/messages/market-data';
import type { MessageBus } from './engine/bus/message-bus';
import type { TimeSource } from './engine/clock/clock';
import type { RiskConfig, RiskGate } from './engine/risk/risk-gate';
import { createHmacSigner, createRiskGate } from './native';
import { installNativeSigning } from './native/ccxt-signing';
import type { CcxtSignable } from './native/ccxt-signing';
import { loadRunConfig, parseRunConfig } from './config/run-config';
import type { RunConfig } from './config/run-config';
import { decryptKeys, FileSecretStore, passphraseFrom, SecretError, writeKeyFile } from './config/secrets';
import type { ApiKeyMaterial, KeyEnvironment, SecretStore } from './config/secrets';
import { APP_KEYS_FILE, chainSecretStores, SealedSecretStore } from './config/sealed-secrets';
import { keyFileBook, noKeyBook, sealedKeyBook } from './config/venue-keys';
import type { VenueKeyBook } from './config/venue-keys';
import type { Sealer } from './config/sealed-secrets';
import { BUILTIN_STRATEGIES, loadStrategy, loadStrategyClass } from './config/strategy-loader';
import type { LoadedStrategy } from './config/strategy-loader';
import type { RunSession } from './venues/ccxt/run-session';
import { runBacktest } from './backtest/runner';
import type { BacktestResult, BacktestSpec } from './backtest/runner';
import { DEFAULT_CHUNK_SIZE, detectFormat, readAllBars, readBars, readBook, readTrades } from './backtest/data';
import type { DetectedFormat } from './backtest/data';
import { PaperReplaySession } from './backtest/paper-replay';
import { readBookRecordings } from './backtest/recorded-book';
import { barsAt, openFileFeed, runFeedBacktest, tradeBarsNote } from './backtest/file-backtest';
import { barsFromTrades } from './engine/data/trade-bars';
import type { BacktestFeed, BacktestOutcome, FileFeed } from './backtest/file-backtest';
import { instrumentForFile, readSampleIndex, withOverrides } from './backtest/instrument-from-file';
import type { FileInstrumentOptions, InstrumentOverrides, SampleIndexEntry } from './backtest/instrument-from-file';
import { createProgressBar, formatReportTable, renderReportHtml, reportJsonString } from './backtest/report';
import { BacktestRuns } from './backtest/worker/backtest-runs';
import type { BacktestRunsOptions } from './backtest/worker/backtest-runs';
import { BAR_STRIDE } from './backtest/worker/run-job';
import * as optimization from './backtest/optimize';
import type { SqlStore, StoreConfig } from './storage/create-store';
import { createStore, storeFromFlags } from './storage/create-store';
import { Recorder } from './storage/recorder';
import type { RecorderOptions } from './storage/recorder';
import { busMarketDataSource } from './storage/bus-source';
import { StoreInputError } from './storage/store';
import { HaltLatchFile, haltLatchPath } from './config/halt-latch-file';
import { EquityMarksFile, equityMarksPath } from './config/equity-marks-file';
import type { EquityMarks } from './engine/risk/equity-marks';
import type { LatchedHalt } from './engine/risk/halt-latch';
import type { AsofQuery, AsofRow, SeriesInfo } from './storage/store';
import { AgentControl, ApprovalQueue, AuditLog, startAgents } from './agents';
import type { BacktestTool } from './agents/tools';
import { agentBacktestStrategy } from './agents/agent-backtest';
import type { AgentBacktestSummary } from './agents/agent-backtest';
import { ReplayModelClient } from './agents';
import { ConfigError } from './config/run-config';
import type { McpOptions, RunningMcp } from './agents/mcp';
import type { Proposal } from './agents';
import type { AuditEntry } from './agents/audit';

// Types the hosts (app, host, cli) need to talk to the kernel's use cases. Type-only: the values
// behind them stay with their adapters and are reached through Kernel methods.
export type { PaperReplayFeed, PaperReplaySession } from './backtest/paper-replay';
export type { BacktestResult } from './backtest/runner';
export type { BacktestFeed, BacktestOutcome, FileFeed } from './backtest/file-backtest';
export type { ApiKeyMaterial, KeyEnvironment } from './config/secrets';
export type { Sealer } from './config/sealed-secrets';
export type { VenueKeyBook } from './config/venue-keys';
export type { FileInstrumentOptions, SampleIndexEntry } from './backtest/instrument-from-file';
export type { ReportInput, ReportStats, ProgressBar, ProgressOptions } from './backtest/report';
export type { BacktestRuns, BacktestRunsOptions, RunRecord, RunStatus } from './backtest/worker/backtest-runs';
export type { BacktestJob, JobOutput, JobProgress } from './backtest/worker/run-job';
export type { CostSettings, GridAxis, LookaheadReport, Objective, OptimizeOutcome, OptimizeRequest } from './backtest/optimize';
export type { LoadedStrategy } from './config/strategy-loader';
export type { NodeStatus } from './cluster/heartbeat';
import type { NodeStatus } from './cluster/heartbeat';
export type { RunConfig } from './config/run-config';
export type { RunSession } from './venues/ccxt/run-session';
export type { SessionNode, SessionVenueState, TradingSession, VenueConnectionState } from './engine/session';
export type { AsofQuery, AsofSignalRow, SeriesInfo } from './storage/store';
export type { Proposal } from './agents';
export type { AuditEntry } from './agents/audit';
export type { RunningMcp } from './agents/mcp';
export type { AgentBacktestSummary } from './agents/agent-backtest';
export type { StoreConfig } from './storage/create-store';

/** Which store a call opens: a DuckDB folder (a string), a store config, or the default DuckDB store. */
export type StoreTarget = string | StoreConfig | undefined;

/** Bars of a finished backtest run (RunRecord.bars) are packed this many numbers each: openTime, open, high, low, close, volume. */
export const PACKED_BAR_STRIDE: number = BAR_STRIDE;

/** A store backtest's source: a stored bar or trade series and an optional time range (epoch ms). */
export interface StoreFeedRequest extends InstrumentOverrides {
  /** As stored, or as a venue writes it (BTCUSDT → BTC/USDT, see resolveSymbol). */
  readonly symbol: string;
  readonly quote?: string | undefined;
  readonly venue?: string | undefined;
  /**
   * Bars (default) at `timeframeMs`, the stored trades (a trade-model backtest, its strategy
   * given bars of `timeframeMs` built from them) or book levels (a book-model one; `timeframeMs`
   * ignored).
   */
  readonly kind?: 'bars' | 'trades' | 'book' | undefined;
  readonly timeframeMs: number;
  readonly from?: number | undefined;
  readonly to?: number | undefined;
  /** The store's folder (default: the kernel's data folder). */
  readonly dataDir?: string | undefined;
  /** Another store than the DuckDB folder (e.g. a QuestDB server); wins over `dataDir`. */
  readonly store?: StoreConfig | undefined;
}

/** Costs and capital of a backtest; the risk gate defaults to the kernel's. */
export interface BacktestSettings {
  readonly capital?: number;
  /** Taker fee (default 10 bps); the maker fee defaults to it. */
  readonly takerFeeBps?: number;
  readonly makerFeeBps?: number;
  readonly slippageBps?: number;
  readonly latencyMs?: number;
  readonly risk?: RiskGate;
  readonly progressEvery?: number;
  readonly onProgress?: ((done: number, simTime: number) => void) | undefined;
}

/** A strategy to load: a built-in name or a file path, parameters as text (validated on load). */
export interface StrategyRequest {
  readonly strategy: string;
  readonly params?: Readonly<Record<string, string>>;
  /** Resolves a relative strategy path (default: the process's cwd). */
  readonly cwd?: string;
}

export interface ImportFileRequest extends Omit<FileInstrumentOptions, 'minNotional'> {
  readonly path: string;
  readonly dataDir?: string | undefined;
  /** Another store than the DuckDB folder (e.g. a QuestDB server); wins over `dataDir`. */
  readonly store?: StoreConfig | undefined;
  /** Called once the file is understood, before anything is written: throw to refuse it. */
  readonly onPlan?: (plan: { readonly instrument: Instrument; readonly kind: 'bars' | 'trades' | 'book'; readonly rows: number }) => void;
  /** Rows written so far. */
  readonly onProgress?: (done: number) => void;
}

export interface ImportFileResult {
  readonly instrument: Instrument;
  readonly kind: 'bars' | 'trades' | 'book';
  /** Bars only. */
  readonly timeframeMs?: number;
  readonly inserted: number;
  readonly ignored: number;
  /** `false` when the store cannot tell new rows from stored ones (QuestDB): `inserted` then counts rows written. */
  readonly exact?: boolean;
}

/** Report rendering for the hosts: the table, JSON and HTML reports, and a terminal progress bar. */
const REPORTS = { formatReportTable, renderReportHtml, reportJsonString, createProgressBar } as const;

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

/** What a person does with agents (see Kernel.agentDesk). */
export interface AgentDesk {
  proposals(): Proposal[];
  approve(id: string, by: string): Proposal;
  reject(id: string, by: string, note?: string): Proposal;
  log(filter?: { agent?: string | undefined; last?: number | undefined }): AuditEntry[];
  killed(): Readonly<Record<string, { at: number; by: string; reason?: string | undefined }>>;
  kill(name: string, by: string, reason?: string): void;
  resume(name: string): boolean;
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

  // ---- Use cases, grouped. Hosts call these; the flat methods below are the same calls (kept
  // while the other hosts move over). ----

  /** Sessions: the first-run paper replay, a session config (paper/live venues) and its file. */
  readonly sessions = {
    startReplay: (options: Parameters<Kernel['startPaperReplay']>[0]): Promise<PaperReplaySession> => this.startPaperReplay(options),
    startRun: (options: Parameters<Kernel['startRun']>[0]): Promise<RunSession> => this.startRun(options),
    loadConfig: (file: string): RunConfig => this.loadRunConfig(file),
  } as const;

  /** The store: import, list, SQL, point-in-time joins, feeds, the recorder. */
  readonly store = {
    importFile: (req: ImportFileRequest): Promise<ImportFileResult> => this.importFile(req),
    listSeries: (dataDir?: string): Promise<SeriesInfo[]> => this.listSeries(dataDir),
    sql: (text: string, dataDir?: string): Promise<Record<string, unknown>[]> => this.sql(text, dataDir),
    asof: (query: AsofQuery, dataDir?: string): AsyncGenerator<readonly AsofRow<unknown>[]> => this.asof(query, dataDir),
    openFeed: (req: StoreFeedRequest): Promise<BacktestFeed> => this.openStoreFeed(req),
    startRecorder: (bus: MessageBus, options?: RecorderOptions & { readonly store?: StoreConfig }): Promise<{ recorder: Recorder; store: SqlStore }> => this.startRecorder(bus, options),
  } as const;

  /**
   * Live keys of a session: the key file (passphrase from LIBRA_KEY_PASSPHRASE); in the app, the
   * keys sealed by the OS keychain first, then the key file when it exists and a passphrase is set.
   */
  private sessionSecrets(dataDir: string, keysFile: string | undefined, appKeys: Sealer | undefined): SecretStore {
    const file = keysFile ?? join(dataDir, 'keys.json');
    if (!appKeys) return new FileSecretStore(file, passphraseFrom(undefined));
    const stores: SecretStore[] = [new SealedSecretStore(join(dataDir, APP_KEYS_FILE), appKeys)];
    const passphrase = process.env['LIBRA_KEY_PASSPHRASE'];
    if (existsSync(file) && passphrase !== undefined && passphrase !== '') stores.push(new FileSecretStore(file, passphrase));
    return chainSecretStores(stores);
  }

  /** API keys in the encrypted key file; `sealed`: the app's keys sealed by the OS keychain (safeStorage). */
  readonly keys = {
    sealed: (sealer: Sealer, dataDir: string = this.ensureDataDir()): { list(): Promise<readonly { id: string; venue: string; environment: KeyEnvironment }[]>; put(input: unknown): { id: string; keys: number }; remove(id: string): boolean } =>
      new SealedSecretStore(join(dataDir, APP_KEYS_FILE), sealer),
    add: (material: ApiKeyMaterial, options: { passphrase: string; keysFile?: string }): { id: string; keys: number } => this.addApiKey(material, options),
    list: (options: { passphrase: string; keysFile?: string }): Promise<readonly { id: string; venue: string; environment: KeyEnvironment }[]> => this.listApiKeys(options),
    /**
     * The write-only book of the "Venue keys…" dialog: the app's keychain when a sealer is given
     * (and available), else the key file with its passphrase, else none, with the reason.
     */
    book: (options: { sealer?: Sealer | undefined; keysFile?: string | undefined; passphrase?: string | undefined; dataDir?: string }): VenueKeyBook => {
      if (options.sealer?.isAvailable() === true) return sealedKeyBook(new SealedSecretStore(join(options.dataDir ?? this.ensureDataDir(), APP_KEYS_FILE), options.sealer));
      if (options.keysFile !== undefined && options.passphrase !== undefined && options.passphrase !== '') return keyFileBook(options.keysFile, options.passphrase);
      if (options.keysFile === undefined) return noKeyBook('keys cannot be stored here: start `libra serve --config FILE --keys KEYFILE` with LIBRA_KEY_PASSPHRASE set (or use the desktop app, which seals them in the OS keychain)');
      return noKeyBook(`keys cannot be stored here: LIBRA_KEY_PASSPHRASE is not set, so the key file ${options.keysFile} cannot be encrypted`);
    },
  } as const;

  /** Backtests: of a file, of a stored series, of any feed, and the worker pool of the panels. */
  readonly backtests = {
    file: (req: Parameters<Kernel['backtestFile']>[0]): ReturnType<Kernel['backtestFile']> => this.backtestFile(req),
    store: (req: Parameters<Kernel['backtestStore']>[0]): ReturnType<Kernel['backtestStore']> => this.backtestStore(req),
    feed: (source: BacktestFeed, strategy: Pick<LoadedStrategy, 'hooks'>, settings?: BacktestSettings): Promise<BacktestOutcome> => this.runBacktestFeed(source, strategy, settings),
    openFileFeed: (path: string, options?: FileInstrumentOptions): Promise<FileFeed> => this.openFileFeed(path, options),
    createRuns: (options?: BacktestRunsOptions): BacktestRuns => this.createBacktestRuns(options),
  } as const;

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
   * Starts the first-run paper account: one paper account trading on a market replay of the
   * bundled sample data (or another sample index): every entry of the index by default (they
   * must share venue, quote currency and timeframe), or the `symbols` asked for, paced by the
   * host's real time.
   */
  async startPaperReplay(options: { time: TimeSource; speed?: number; capital?: number; resourcesDir?: string; symbols?: readonly string[] }): Promise<PaperReplaySession> {
    const dir = options.resourcesDir ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../resources/sample-data');
    const index = JSON.parse(readFileSync(resolve(dir, 'index.json'), 'utf8')) as {
      files: { file: string; symbol: string; venue: string; timeframe: string; tickSize: string; lotSize: string }[];
      /** Recorded L2 books + trades looped beside the bars (the book and tape panels). */
      books?: { file: string }[];
    };
    const wanted = options.symbols?.map((s) => s.toUpperCase());
    const entries = wanted ? index.files.filter((e) => wanted.includes(e.symbol.toUpperCase())) : index.files;
    const first = entries[0];
    if (!first) throw new Error(wanted ? `no sample data for ${wanted.join(', ')} in ${dir}/index.json` : `no sample data listed in ${dir}/index.json`);
    const timeframeMs = parseTimeframe(first.timeframe);
    const feeds = await Promise.all(
      entries.map(async (entry) => {
        if (parseTimeframe(entry.timeframe) !== timeframeMs) throw new Error(`sample ${entry.file} is ${entry.timeframe}, the replay is ${first.timeframe}: one timeframe per replay`);
        const instrument = makeInstrument({ symbol: entry.symbol, venue: entry.venue, tickSize: entry.tickSize, lotSize: entry.lotSize });
        const bars = await readAllBars(resolve(dir, entry.file), { instrumentId: instrument.id, timeframeMs });
        return { instrument, bars };
      }),
    );
    const books = (index.books ?? []).flatMap((b) => readBookRecordings(resolve(dir, b.file)));
    return new PaperReplaySession({
      feeds,
      books,
      timeframeMs,
      capital: options.capital ?? 10_000,
      risk: this.createRiskGate(feeds.map((f) => f.instrument)),
      time: options.time,
      ...(options.speed !== undefined ? { speed: options.speed } : {}),
    });
  }

  /**
   * Records the market data of an engine into the embedded store, in batches off the hot path.
   * Returns the recorder (stop it to flush) and the store (close it after the recorder).
   */
  async startRecorder(bus: MessageBus, options: RecorderOptions & { readonly store?: StoreConfig } = {}): Promise<{ recorder: Recorder; store: SqlStore }> {
    const store = await createStore(options.store, () => this.ensureDataDir());
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
  async startRun(options: { config: RunConfig; dataDir?: string; keysFile?: string; label?: string; print: (line: string) => void; appKeys?: Sealer }): Promise<RunSession> {
    const { config } = options;
    const dataDir = options.dataDir ?? config.dataDir ?? this.ensureDataDir();
    mkdirSync(dataDir, { recursive: true });
    // Only an execution node resolves keys: a cluster strategy or data node starts with no key file and no passphrase.
    const needsKeys = config.venues.some((v) => v.mode === 'live') && (config.cluster === undefined || config.cluster.roles.includes('execution'));
    const secrets = needsKeys ? this.sessionSecrets(dataDir, options.keysFile, options.appKeys) : undefined;
    const { startRunSession } = await import('./venues/ccxt/run-session'); // lazy: ccxt loads only for `libra run`
    // In a cluster the data nodes record (they run the venues' data clients); the others would record the same data again.
    const record = config.record && (config.cluster === undefined || config.cluster.roles.includes('data'));
    const session = await startRunSession({
      config,
      dataDir,
      recording: record,
      ...(options.label !== undefined ? { label: options.label } : {}),
      risk: createRiskGate(config.risk as RiskConfig, this.riskImplementation),
      ...(secrets ? { secrets } : {}),
      loadStrategy: (name, params) => loadStrategy(name, params),
      installSigning: (exchange, venue) => {
        const ex = exchange as unknown as CcxtSignable;
        // Ed25519/RSA keys (PEM) keep CCXT's own signing for now: CCXT calls its eddsa() directly.
        if (typeof ex.secret !== 'string' || ex.secret === '' || ex.secret.startsWith('-----BEGIN')) return;
        const sha256 = createHmacSigner('sha256', ex.secret, 'auto');
        installNativeSigning(ex, { sha256, sha512: createHmacSigner('sha512', ex.secret, 'auto') });
        options.print(`VENUE ${venue.name ?? venue.ccxtId.toUpperCase()} signing: HMAC by the ${sha256.implementation} signer`);
      },
      print: options.print,
      ...(config.agents.length > 0
        ? {
            afterStart: (core) =>
              startAgents(core, config.agents, {
                dataDir,
                currency: config.accountCurrency,
                print: options.print,
                resolveKeyId: async (id) => (await secrets?.get(id))?.material.apiKey,
                backtest: this.agentBacktestTool(),
              }),
          }
        : {}),
    });
    if (!record) return session;
    // The recorder runs in every paper and live session unless the config says `"record": false`.
    const store = await createStore(config.store, () => dataDir);
    await store.open();
    await store.writeInstruments(session.session.instruments);
    const recorder = new Recorder(busMarketDataSource(session.core.bus), store, { onError: (e) => options.print(`RECORDER ${e instanceof Error ? e.message : String(e)}`) });
    recorder.start();
    options.print(`RECORDER on: trades, quotes, book levels and bars into ${config.store?.kind === 'questdb' ? `QuestDB at ${config.store.url}` : join(config.store?.dataDir ?? dataDir, 'libra.duckdb')}`);
    return {
      ...session,
      stop: async () => {
        await session.stop();
        await recorder.stop();
        await store.close();
      },
    };
  }

  /** The agents' `run_backtest` tool: a built-in strategy over the agent's recent bars, default costs. */
  private agentBacktestTool(): BacktestTool {
    return async (args, instrument, bars) => {
      if (!BUILTIN_STRATEGIES.includes(args.strategy)) throw new Error(`unknown built-in strategy "${args.strategy}" (built-in: ${BUILTIN_STRATEGIES.join(', ')})`);
      if (bars.length < 2) throw new Error('not enough bars yet');
      const params = Object.fromEntries(Object.entries(args.params).map(([k, v]) => [k, String(v)]));
      const strategy = await this.loadStrategy(args.strategy, params);
      const first = bars[0] as Bar;
      const timeframeMs = Math.max(1, ((bars[1] as Bar).openTime - first.openTime) || 60_000);
      const list = [...bars];
      async function* chunks(): AsyncGenerator<Bar[]> {
        yield list;
      }
      const out = await this.runBacktestFeed({ instrument, total: list.length, notes: [], fillModel: 'bar', timeframeMs, feed: { kind: 'bar', instrumentId: instrument.id, timeframeMs, chunks: chunks() } }, strategy);
      return { bars: list.length, stats: out.stats };
    };
  }

  /**
   * An agent of a session backtested over a data file, its model answered from the recording of
   * an earlier session (by prompt hash): deterministic, no model server. Proposals are decided
   * as "auto"; the agent's limits and the risk gate apply.
   */
  async backtestAgent(req: BacktestSettings & { readonly config: RunConfig; readonly agent: string; readonly path: string; readonly recordings?: string | undefined; readonly instrument?: FileInstrumentOptions; readonly dataDir?: string | undefined }): Promise<BacktestOutcome & { readonly source: FileFeed; readonly agent: AgentBacktestSummary; readonly recordings: string }> {
    const cfg = req.config.agents.find((a) => a.name === req.agent);
    if (!cfg) throw new ConfigError(`the session has no agent "${req.agent}" (agents: ${req.config.agents.map((a) => a.name).join(', ') || 'none'})`);
    const recordings = req.recordings ?? join(req.dataDir ?? this.ensureDataDir(), 'agents', 'recordings', `${cfg.name}.jsonl`);
    const client = new ReplayModelClient(recordings);
    const source = await this.openFileFeed(req.path, req.instrument ?? {});
    const gate = req.risk ?? this.createRiskGate();
    const strat = agentBacktestStrategy(cfg, source.instrument.id, source.instrument.quote, client, () => gate.tradingState());
    const out = await this.runBacktestFeed(source, { hooks: strat.hooks }, { ...req, risk: gate });
    return { ...out, source, agent: strat.summary(), recordings };
  }

  /**
   * `libra mcp`: the agent tools over MCP, on stdio or loopback HTTP with a token. Read-only
   * unless `enableOrders`; order proposals always wait for a person, then pass the risk gate.
   */
  async serveMcp(options: { transport: 'stdio' | { port: number; token?: string | undefined }; session?: RunSession | undefined; currency?: string; enableOrders: boolean; dataDir?: string | undefined; log: (line: string) => void }): Promise<RunningMcp> {
    // The MCP SDK loads only for `libra mcp`.
    const { serveMcpHttp, serveMcpStdio } = await import('./agents/mcp');
    const dataDir = options.dataDir ?? this.ensureDataDir();
    const s = options.session;
    const mcp: McpOptions = {
      dataDir,
      enableOrders: options.enableOrders,
      session: s ? { core: s.core, instruments: s.venues.flatMap((v) => v.instruments.map((i) => i.id)), currency: options.currency ?? 'USDT' } : undefined,
      store: {
        listSeries: () => this.listSeries(dataDir),
        backtestSeries: async (a) => {
          const out = await this.backtestStore({ strategy: a.strategy, params: a.params, store: { symbol: a.symbol, venue: a.venue, timeframeMs: parseTimeframe(a.timeframe), dataDir } });
          return { instrument: out.source.instrument.id, bars: out.source.total, stats: out.stats };
        },
      },
      version: '0.1.0',
      log: options.log,
    };
    return options.transport === 'stdio' ? serveMcpStdio(mcp) : serveMcpHttp({ ...mcp, port: options.transport.port, token: options.transport.token });
  }

  /** The store the store commands' flags select (`--store`, `--questdb-url`, `--data-dir`); throws StoreInputError naming the flag. */
  storeFromFlags(flags: Parameters<typeof storeFromFlags>[0]): StoreConfig {
    return storeFromFlags(flags);
  }

  /**
   * The agents' desk, for a person: proposals waiting for approval (approve / reject), the audit
   * log, and each agent's kill switch. Works from any process on the same data folder as the
   * session running the agents.
   */
  agentDesk(dataDir?: string): AgentDesk {
    const dir = dataDir ?? this.ensureDataDir();
    const queue = new ApprovalQueue(dir);
    const audit = new AuditLog(dir);
    const control = new AgentControl(dir);
    return {
      proposals: () => queue.list(),
      approve: (id, by) => queue.decide(id, 'approve', by, Date.now()),
      reject: (id, by, note) => queue.decide(id, 'reject', by, Date.now(), note),
      log: (filter) => audit.read(filter),
      killed: () => control.killed(),
      kill: (name, by, reason) => control.kill(name, by, Date.now(), reason),
      resume: (name) => control.resume(name),
    };
  }

  /**
   * The halt latched in a data folder by a kill switch, an operator HALT or a tripped drawdown /
   * daily-loss limit of `libra run` (default: this kernel's data folder). `lift` is a person's
   * decision to trade again; a running `libra run` on that folder resumes within a second.
   */
  haltLatch(dataDir: string = this.dataDir): { readonly path: string; load(): LatchedHalt | undefined; marks(): EquityMarks | undefined; lift(): void } {
    const file = new HaltLatchFile(haltLatchPath(dataDir));
    const marks = new EquityMarksFile(equityMarksPath(dataDir));
    return {
      path: file.path,
      load: () => file.load(),
      marks: () => marks.load(),
      // Lifting accepts the loss so far: the next run measures its drawdown from the equity at start.
      lift: () => {
        file.save(undefined);
        marks.save(undefined);
      },
    };
  }

  /** The nodes of a cluster (`libra cluster status`): roles, state, last beat, event-loop lag; an expired beat is `lost`. */
  async clusterStatus(redisUrl: string, prefix: string): Promise<readonly NodeStatus[]> {
    const { readClusterStatus } = await import('./cluster/status'); // lazy: ioredis loads only here
    return readClusterStatus(redisUrl, prefix);
  }

  /**
   * Adds (or replaces) an API key in the encrypted key file of the data folder. The secret is
   * written only encrypted (AES-256-GCM, scrypt from the passphrase) and never echoed.
   */
  addApiKey(material: ApiKeyMaterial, options: { passphrase: string; keysFile?: string }): { id: string; keys: number } {
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(material.id)) throw new SecretError(`key id must be 1-64 letters, digits, . _ or -, got "${material.id}"`);
    if (!/^[a-z0-9]+$/.test(material.venue)) throw new SecretError(`venue must be a ccxt id such as binance, got "${material.venue}"`);
    if (material.apiKey.trim() === '' || material.secret.trim() === '') throw new SecretError('the API key and secret must not be empty');
    const file = options.keysFile ?? join(this.ensureDataDir(), 'keys.json');
    const existing = existsSync(file) ? decryptKeys(readFileSync(file, 'utf8'), options.passphrase) : [];
    const keys = [...existing.filter((k) => k.id !== material.id), material];
    writeKeyFile(file, keys, options.passphrase);
    return { id: material.id, keys: keys.length };
  }

  /** Ids, venues and environments of the stored keys (never the keys themselves). */
  async listApiKeys(options: { passphrase: string; keysFile?: string }): Promise<readonly { id: string; venue: string; environment: KeyEnvironment }[]> {
    const file = options.keysFile ?? join(this.dataDir, 'keys.json');
    if (!existsSync(file)) return [];
    return new FileSecretStore(file, options.passphrase).list();
  }

  /** Runs a backtest through the same engine components as live trading. */
  async backtest(spec: Omit<BacktestSpec, 'risk'> & { risk?: RiskGate }): Promise<BacktestResult> {
    return runBacktest({ ...spec, risk: spec.risk ?? this.createRiskGate() });
  }

  // ---- Use cases of the hosts (app, host, cli): they reach adapters only through these. ----

  /** Report rendering: formatReportTable, renderReportHtml, reportJsonString, createProgressBar. */
  readonly reports = REPORTS;

  /** Parameter search (grid, walk-forward, Monte Carlo) and the look-ahead detector, over a feed (see backtest/optimize). */
  readonly optimization = optimization;

  /** Names of the built-in strategies. */
  get builtinStrategies(): readonly string[] {
    return BUILTIN_STRATEGIES;
  }

  /** Loads and instantiates a strategy (built-in name or file path) with parameters given as text. */
  loadStrategy(ref: string, params: Readonly<Record<string, string>>, cwd?: string): Promise<LoadedStrategy> {
    return loadStrategy(ref, params, cwd);
  }

  /** The class behind a strategy name or path, not instantiated (its `params` describe the parameters). */
  loadStrategyClass(ref: string, cwd?: string): ReturnType<typeof loadStrategyClass> {
    return loadStrategyClass(ref, cwd);
  }

  /** Reads and validates a `libra run` config file. */
  /** A session config from JSON already read (the app, tests); errors name the field. */
  parseRunConfig(input: unknown): RunConfig {
    return parseRunConfig(input);
  }

  loadRunConfig(file: string): RunConfig {
    return loadRunConfig(file);
  }

  /** Detects (and so validates) the format of a data file from its first bytes. */
  detectDataFormat(path: string): Promise<DetectedFormat> {
    return detectFormat(path);
  }

  /** The sample index (`index.json`) of a folder of data files; empty when there is none. */
  readSampleIndex(dir: string): SampleIndexEntry[] {
    return readSampleIndex(dir);
  }

  /** A pool of backtests in worker threads (never on the caller's thread), for a host's Backtest panel. */
  createBacktestRuns(options: BacktestRunsOptions = {}): BacktestRuns {
    return new BacktestRuns(options);
  }

  /** The instrument (from overrides, a sample index or the file name) and a streaming feed of a data file. */
  openFileFeed(path: string, options: FileInstrumentOptions = {}): Promise<FileFeed> {
    return openFileFeed(path, options);
  }

  /**
   * A streaming bar feed of a series in the store, with the instrument stored beside it. The store
   * stays open while the feed is read and closes when it ends.
   */
  async openStoreFeed(req: StoreFeedRequest): Promise<BacktestFeed> {
    const symbols = new Set([req.symbol.toUpperCase(), resolveSymbol(req.symbol, req.quote).symbol]);
    const store = await this.openStore(req.store ?? req.dataDir);
    const trades = req.kind === 'trades';
    const book = req.kind === 'book';
    const series = (await store.listSeries()).filter(
      (s) => (trades ? s.kind === 'trades' : book ? s.kind === 'book' : s.kind === 'bars' && s.timeframeMs === req.timeframeMs) && symbols.has(s.symbol) && (req.venue === undefined || s.venue === req.venue.toUpperCase()),
    );
    if (series.length === 0) {
      await store.close();
      throw new StoreInputError(`the store has no ${req.symbol} ${trades ? 'trades' : book ? 'book levels' : 'bars at that timeframe'} (see libra data)`);
    }
    if (series.length > 1) {
      await store.close();
      throw new StoreInputError(`${req.symbol} is stored for several venues (${series.map((s) => s.venue).join(', ')}): give --venue`);
    }
    const s = series[0] as (typeof series)[number];
    const stored = await store.getInstrument(s.venue, s.symbol);
    if (!stored) {
      await store.close();
      throw new StoreInputError(`no instrument metadata for ${s.symbol} on ${s.venue}: re-import the file`);
    }
    let overridden: ReturnType<typeof withOverrides>;
    try {
      overridden = withOverrides(stored, req);
    } catch (error) {
      await store.close();
      throw error;
    }
    const { instrument, notes } = overridden;
    const { from, to, timeframeMs } = req;
    const range = { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) };
    if (book) {
      // Asked before the first chunk, so a store that cannot read books back says so up front.
      let bookScan: AsyncIterable<BookUpdate[]>;
      try {
        // Backtest feeds in the replay's chunk size (see DEFAULT_CHUNK_SIZE: small chunks are read back from the cache).
        bookScan = store.scanBook({ venue: s.venue, symbol: s.symbol, ...range, chunkSize: DEFAULT_CHUNK_SIZE });
      } catch (error) {
        await store.close();
        throw error;
      }
      const bookChunks = async function* (): AsyncGenerator<BookUpdate[]> {
        try {
          yield* bookScan;
        } finally {
          await store.close();
        }
      };
      return { instrument, total: s.rows, notes, fillModel: 'book', timeframeMs: 60_000, feed: { kind: 'book', instrumentId: instrument.id, chunks: bookChunks() } };
    }
    if (trades) {
      // Two scans of the trades: the fills' and the one the strategy's bars are built from; the
      // store closes when both are done.
      let scans = 2;
      const tradeChunks = async function* (): AsyncGenerator<TradeTick[]> {
        try {
          yield* store.scanTrades({ venue: s.venue, symbol: s.symbol, ...range, chunkSize: DEFAULT_CHUNK_SIZE });
        } finally {
          if (--scans === 0) await store.close();
        }
      };
      const bars = barsFromTrades(tradeChunks(), instrument.id, timeframeMs);
      return {
        instrument,
        total: s.rows,
        notes: [...notes, tradeBarsNote(timeframeMs, true)],
        fillModel: 'trade',
        timeframeMs,
        feed: { kind: 'trade', instrumentId: instrument.id, chunks: tradeChunks() },
        bars: { kind: 'bar', instrumentId: instrument.id, timeframeMs, chunks: bars },
      };
    }
    async function* chunks(): AsyncGenerator<Bar[]> {
      try {
        yield* store.scanBars({ venue: s.venue, symbol: s.symbol, timeframeMs, ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}), chunkSize: DEFAULT_CHUNK_SIZE });
      } finally {
        await store.close();
      }
    }
    return { instrument, total: s.rows, notes, fillModel: 'bar', timeframeMs, feed: { kind: 'bar', instrumentId: instrument.id, timeframeMs, chunks: chunks() } };
  }

  /** Runs a loaded strategy over a feed; returns the result, the report input and the statistics. */
  runBacktestFeed(source: BacktestFeed, strategy: Pick<LoadedStrategy, 'hooks'>, settings: BacktestSettings = {}): Promise<BacktestOutcome> {
    const takerFeeBps = settings.takerFeeBps ?? 10;
    return runFeedBacktest(source, strategy, {
      capital: settings.capital ?? 10_000,
      takerFeeBps,
      makerFeeBps: settings.makerFeeBps ?? takerFeeBps,
      slippageBps: settings.slippageBps ?? 0,
      latencyMs: settings.latencyMs ?? 0,
      risk: settings.risk ?? this.createRiskGate(),
      ...(settings.progressEvery !== undefined ? { progressEvery: settings.progressEvery } : {}),
      ...(settings.onProgress ? { onProgress: settings.onProgress } : {}),
    });
  }

  /** `libra backtest --data FILE` in one call: strategy, instrument and feed of the file, run, report input and statistics. */
  async backtestFile(req: StrategyRequest & BacktestSettings & { readonly path: string; readonly instrument?: FileInstrumentOptions }): Promise<BacktestOutcome & { readonly source: FileFeed; readonly strategy: LoadedStrategy }> {
    const strategy = await this.loadStrategy(req.strategy, req.params ?? {}, req.cwd);
    const source = await this.openFileFeed(req.path, req.instrument);
    return { ...(await this.runBacktestFeed(source, strategy, req)), source, strategy };
  }

  /** `libra backtest --symbol S --timeframe TF` in one call: a stored bar series instead of a file. */
  async backtestStore(req: StrategyRequest & BacktestSettings & { readonly store: StoreFeedRequest }): Promise<BacktestOutcome & { readonly source: BacktestFeed; readonly strategy: LoadedStrategy }> {
    const strategy = await this.loadStrategy(req.strategy, req.params ?? {}, req.cwd);
    const source = await this.openStoreFeed(req.store);
    return { ...(await this.runBacktestFeed(source, strategy, req)), source, strategy };
  }

  /**
   * Streams a data file into the store (bars or trades), each chunk all-or-nothing; re-importing
   * is idempotent. The instrument is inferred as for a backtest and stored with the data.
   */
  async importFile(req: ImportFileRequest): Promise<ImportFileResult> {
    const { path, dataDir, store: storeConfig, onPlan, onProgress, ...options } = req;
    const { instrument, info } = await instrumentForFile(path, options);
    onPlan?.({ instrument, kind: info.kind, rows: info.rows });
    const store = await this.openStore(storeConfig ?? dataDir);
    let inserted = 0;
    let ignored = 0;
    let exact = true;
    let done = 0;
    try {
      await store.writeInstruments([instrument]);
      if (info.kind === 'bars') {
        const { timeframeMs, chunks } = barsAt(path, info, { instrumentId: instrument.id, timeframeMs: options.timeframeMs, flags: options.hints === 'flags', chunkSize: 50_000 });
        for await (const chunk of chunks) {
          const w = await store.writeBars(instrument.venue, instrument.symbol, timeframeMs, chunk);
          inserted += w.inserted;
          ignored += w.ignored;
          exact &&= w.exact !== false;
          onProgress?.((done += chunk.length));
        }
        return { instrument, kind: 'bars', timeframeMs, inserted, ignored, ...(exact ? {} : { exact }) };
      }
      if (info.kind === 'book') {
        for await (const chunk of readBook(path, { instrumentId: instrument.id, chunkSize: 10_000 })) {
          const w = await store.writeBook(instrument.venue, instrument.symbol, chunk);
          inserted += w.inserted;
          ignored += w.ignored;
          exact &&= w.exact !== false;
          onProgress?.((done += chunk.length));
        }
        return { instrument, kind: 'book', inserted, ignored, ...(exact ? {} : { exact }) };
      }
      for await (const chunk of readTrades(path, { instrumentId: instrument.id, chunkSize: 50_000 })) {
        const w = await store.writeTrades(instrument.venue, instrument.symbol, chunk);
        inserted += w.inserted;
        ignored += w.ignored;
        exact &&= w.exact !== false;
        onProgress?.((done += chunk.length));
      }
      return { instrument, kind: 'trades', inserted, ignored, ...(exact ? {} : { exact }) };
    } finally {
      await store.close();
    }
  }

  /** What the store holds: one entry per series (symbol, kind/timeframe, first/last time, rows). */
  async listSeries(target?: StoreTarget): Promise<SeriesInfo[]> {
    const store = await this.openStore(target);
    try {
      return await store.listSeries();
    } finally {
      await store.close();
    }
  }

  /** Runs one SQL statement (in the store's own dialect) against the store (the caller keeps it read-only) and returns the rows. */
  async sql(text: string, target?: StoreTarget): Promise<Record<string, unknown>[]> {
    const store = await this.openStore(target);
    try {
      return await store.query(text);
    } finally {
      await store.close();
    }
  }

  /** Point-in-time join: for each signal, the latest trade, quote or bar known at that moment, in chunks. */
  async *asof(query: AsofQuery, target?: StoreTarget): AsyncGenerator<readonly AsofRow<unknown>[]> {
    const store = await this.openStore(target);
    try {
      if (query.with === 'trades') yield* store.asofJoin(query);
      else if (query.with === 'quotes') yield* store.asofJoin(query);
      else yield* store.asofJoin(query);
    } finally {
      await store.close();
    }
  }

  /** The bars of a data file as a stream of chunks; the file is validated before this resolves. */
  async readBarFile(path: string, options: { readonly instrumentId: string; readonly timeframeMs?: number | undefined }): Promise<AsyncIterable<readonly Bar[]>> {
    await detectFormat(path);
    return readBars(path, { instrumentId: options.instrumentId, ...(options.timeframeMs ? { timeframeMs: options.timeframeMs } : {}) });
  }

  /** Opens the target store (storage/create-store.ts): a DuckDB folder, a store config, or the default. */
  private async openStore(target?: StoreTarget): Promise<SqlStore> {
    const store = await createStore(typeof target === 'string' ? { kind: 'duckdb', dataDir: target } : target, () => this.ensureDataDir());
    await store.open();
    return store;
  }
}
