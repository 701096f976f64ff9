/**
 * The host side of the Strategies panel: loads a strategy by name or path into the live paper
 * session and starts/stops it on the session's StrategyHost (one of the session's instruments,
 * the first by default, at the replay's timeframe). Load and parameter errors are values with a message a person can act on.
 */
import { qtyToNumber } from '../../shared/domain/instrument';
import type { Result } from '../../shared/ipc/result';
import { err, HostErrorCodes, ok } from '../../shared/ipc/result';
import type { RunningStrategyView, StrategyRunState } from '../../shared/ipc/views';
import type { StrategyParams } from '../engine/strategy/strategy';
import type { Kernel, TradingSession } from '../kernel';
import { BacktestErrorCodes, checkStrategy } from './backtest-service';

interface Entry {
  readonly id: string;
  readonly strategy: string;
  readonly params: StrategyParams;
  readonly instrumentId: string;
  /** The bar timeframe it runs on. */
  readonly timeframe: string;
  state: StrategyRunState;
  readonly startedAt: number;
  stoppedAt: number | null;
  error: string | null;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export class StrategyService {
  private readonly entries = new Map<string, Entry>();
  private seq = 0;

  constructor(
    private readonly kernel: Kernel,
    private readonly session: TradingSession,
    private readonly cwd: string = process.cwd(),
  ) {
    // The session's own strategies (its config's) are listed, with their PnL, and can be stopped here.
    for (const s of session.configuredStrategies?.() ?? []) {
      this.entries.set(s.id, { id: s.id, strategy: s.strategy, params: s.params, instrumentId: s.instrumentId, timeframe: s.timeframe, state: 'running', startedAt: s.startedAt, stoppedAt: null, error: null });
    }
  }

  async start(ref: string, params: Readonly<Record<string, string>>, instrumentId: string = this.session.instrument.id): Promise<Result<RunningStrategyView>> {
    if (!this.session.has(instrumentId)) return err(HostErrorCodes.notFound, `unknown instrument ${instrumentId}: this session replays ${this.session.instruments.map((i) => i.symbol).join(', ')}`);
    const checked = await checkStrategy(this.kernel, ref, params, this.cwd);
    if (!checked.ok) return checked;
    let loaded;
    try {
      loaded = await this.kernel.loadStrategy(ref, params, this.cwd);
    } catch (error) {
      return err(BacktestErrorCodes.strategy, message(error));
    }
    const short = (ref.split(/[\\/]/).at(-1) ?? ref).replace(/\.(m?[jt]s)$/, '').replace(/[^A-Za-z0-9_-]/g, '');
    const id = `${short || 'strategy'}-${++this.seq}`;
    const { node } = this.session;
    const entry: Entry = { id, strategy: short || ref, params: loaded.params, instrumentId, timeframe: this.session.timeframe, state: 'running', startedAt: node.clock.now(), stoppedAt: null, error: null };
    try {
      node.strategies.start(id, loaded.hooks, { bars: [{ instrumentId, timeframe: this.session.timeframe }] });
    } catch (error) {
      node.strategies.stop(id);
      return err(BacktestErrorCodes.strategy, `${id} failed to start: ${message(error)}`);
    }
    this.entries.set(id, entry);
    return ok(this.view(entry));
  }

  stop(id: string): Result<RunningStrategyView> {
    const entry = this.entries.get(id);
    if (!entry) return err(HostErrorCodes.notFound, `no strategy ${id}`);
    if (entry.state === 'running') {
      try {
        this.session.node.strategies.stop(id);
      } catch (error) {
        entry.error = message(error);
      }
      entry.state = entry.error ? 'failed' : 'stopped';
      entry.stoppedAt = this.session.node.clock.now();
    }
    return ok(this.view(entry));
  }

  list(): readonly RunningStrategyView[] {
    return [...this.entries.values()].map((e) => this.view(e));
  }

  dispose(): void {
    for (const e of this.entries.values()) if (e.state === 'running') this.session.node.strategies.stop(e.id);
  }

  private view(e: Entry): RunningStrategyView {
    const { node } = this.session;
    const instrument = node.cache.instrument(e.instrumentId) ?? this.session.instrument;
    // A strategy the host stopped elsewhere (e.g. a failure) is no longer running.
    if (e.state === 'running' && !node.strategies.isRunning(e.id)) e.state = 'stopped';
    const position = node.portfolio.position(e.id, instrument.id);
    return {
      id: e.id,
      strategy: e.strategy,
      params: e.params,
      state: e.state,
      instrumentId: instrument.id,
      timeframe: e.timeframe,
      startedAt: e.startedAt,
      stoppedAt: e.stoppedAt,
      position: qtyToNumber(instrument, position?.netRaw ?? 0),
      realized: position ? position.realizedRaw / 10 ** position.quotePrecision : 0,
      unrealized: node.portfolio.unrealized(e.id, instrument.id),
      orders: node.cache.allOrders().filter((o) => o.strategyId === e.id).length,
      error: e.error,
    };
  }
}
