/**
 * The state stream: a snapshot, then sequenced batches of deltas, at most one batch per
 * animation frame (~16 ms) per client. Sequence numbers are per client: a snapshot carries
 * `seq = n`, the next batch must carry `n + 1`. A client that sees a gap (a lost or reordered
 * batch), or reloads, asks for a fresh snapshot (resync); a host whose client falls too far
 * behind drops the pending deltas and sends a fresh snapshot instead.
 *
 * Deltas replace state by key (the latest quote of an instrument, the latest version of an
 * order…), so the host can coalesce a burst of deltas with the same key into the last one;
 * event-like deltas (fills, denials, risk events) have unique keys and are never merged.
 */
import type { ServiceClient } from './contract';
import type {
  AccountView,
  AlertView,
  BarView,
  BookView,
  DenialView,
  FillView,
  OrderView,
  PositionView,
  QuoteView,
  ReplayView,
  RiskEventView,
  Snapshot,
  TradeView,
  TradingStateView,
  VenueView,
} from './views';

export type Delta =
  | { readonly t: 'quote'; readonly quote: QuoteView }
  | { readonly t: 'bar'; readonly bar: BarView }
  | { readonly t: 'order'; readonly order: OrderView }
  | { readonly t: 'fill'; readonly fill: FillView }
  | { readonly t: 'position'; readonly position: PositionView }
  | { readonly t: 'account'; readonly account: AccountView }
  | { readonly t: 'tradingState'; readonly tradingState: TradingStateView }
  | { readonly t: 'riskEvent'; readonly event: RiskEventView }
  | { readonly t: 'denial'; readonly denial: DenialView }
  | { readonly t: 'alert'; readonly alert: AlertView }
  | { readonly t: 'alertRemoved'; readonly id: string }
  | { readonly t: 'replay'; readonly replay: ReplayView }
  | { readonly t: 'venue'; readonly venue: VenueView }
  | { readonly t: 'book'; readonly book: BookView }
  | { readonly t: 'trade'; readonly trade: TradeView };

export type StateMessage =
  | { readonly kind: 'snapshot'; readonly seq: number; readonly snapshot: Snapshot }
  | { readonly kind: 'batch'; readonly seq: number; readonly deltas: readonly Delta[] };

let uniqueCounter = 0;

/** Key under which a delta replaces an older pending one (unique for event-like deltas). */
export function coalesceKey(d: Delta): string {
  switch (d.t) {
    case 'quote':
      return `q|${d.quote.instrumentId}`;
    case 'bar':
      return `b|${d.bar.instrumentId}|${d.bar.timeframe}|${d.bar.time}`;
    case 'order':
      return `o|${d.order.clientOrderId}`;
    case 'position':
      return `p|${d.position.key}`;
    case 'account':
      return 'a';
    case 'tradingState':
      return 'ts';
    case 'alert':
    case 'alertRemoved':
      return `al|${d.t === 'alert' ? d.alert.id : d.id}`;
    case 'replay':
      return 'r';
    case 'venue':
      return `v|${d.venue.venue}`;
    case 'fill':
      return `f|${d.fill.tradeId}`;
    case 'book':
      return `bk|${d.book.instrumentId}`;
    case 'trade':
      return `tr|${d.trade.instrumentId}|${d.trade.tradeId}`;
    case 'riskEvent':
    case 'denial':
      return `u|${++uniqueCounter}`;
  }
}

/**
 * Coalesces deltas by key, keeping first-arrival order (a key updated again keeps its place,
 * with the newest value) — pure; the host adds the timing.
 */
export class DeltaBuffer {
  private readonly pending = new Map<string, Delta>();

  push(d: Delta): void {
    this.pending.set(coalesceKey(d), d);
  }

  get size(): number {
    return this.pending.size;
  }

  clear(): void {
    this.pending.clear();
  }

  drain(): Delta[] {
    const out = [...this.pending.values()];
    this.pending.clear();
    return out;
  }
}

export type ReceiveOutcome =
  | { readonly kind: 'snapshot'; readonly snapshot: Snapshot }
  | { readonly kind: 'batch'; readonly deltas: readonly Delta[] }
  /** A gap or a batch before any snapshot: ask for a fresh snapshot, ignore batches until it arrives. */
  | { readonly kind: 'resync'; readonly expected: number; readonly got: number }
  /** Dropped while waiting for the requested snapshot. */
  | { readonly kind: 'ignored' };

/** Client side of the sequence check (pure; the renderer's listeners.ts drives it). */
export class StateReceiver {
  private seq: number | null = null;
  private waiting = true;

  get lastSeq(): number | null {
    return this.seq;
  }

  /** Forget everything (reload / reconnect): the next snapshot starts over. */
  reset(): void {
    this.seq = null;
    this.waiting = true;
  }

  receive(msg: StateMessage): ReceiveOutcome {
    if (msg.kind === 'snapshot') {
      this.seq = msg.seq;
      this.waiting = false;
      return { kind: 'snapshot', snapshot: msg.snapshot };
    }
    if (this.waiting) return { kind: 'ignored' };
    const expected = (this.seq ?? -1) + 1;
    if (msg.seq !== expected) {
      this.waiting = true;
      return { kind: 'resync', expected, got: msg.seq };
    }
    this.seq = msg.seq;
    return { kind: 'batch', deltas: msg.deltas };
  }
}

/** The state side of a transport. */
export interface StateChannel {
  /** Subscribe to state messages; returns the unsubscribe function. */
  subscribe(listener: (msg: StateMessage) => void): () => void;
  /** Ask the host for a fresh snapshot (after a gap). */
  resync(): void;
  /** Connection status changes (transports that can disconnect). */
  onDidChangeStatus?(listener: (status: ConnectionStatus) => void): () => void;
}

/**
 * Connection status as the renderer shows it. `unauthorized`: the host refused the token (wrong,
 * or from an earlier `libra serve`); final, the transport stops reconnecting.
 */
export type ConnectionStatus = 'connecting' | 'open' | 'closed' | 'unauthorized';

/** WebSocket close code `libra serve` uses for a missing, wrong or expired token (4000-4999: application codes). */
export const WS_CLOSE_UNAUTHORIZED = 4401;

/**
 * What a window talks to: `window.libra` in Electron (built by the preload from the contract)
 * or the WebSocket client in browser mode. Same interface for both.
 */
export interface LibraBridge extends ServiceClient {
  readonly state: StateChannel;
  readonly transport: 'electron' | 'websocket';
}
