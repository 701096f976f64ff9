/**
 * Fault injection for the Binance spot simulator. Tests arm faults through
 * `sim.faults`; the REST and WebSocket layers consume them.
 */

/** HTTP statuses `nextStatus` can inject. */
export type InjectedStatus = 429 | 418 | 500 | 502 | 503 | 504;

export interface NextStatusOptions {
  /** Only requests whose path contains this string are affected (default: every REST request). */
  readonly pathContains?: string;
  /**
   * Execute the request before answering with the error (the "unknown
   * execution status" case of a 5xx). Default false: the request is rejected
   * without side effects.
   */
  readonly process?: boolean;
  /** Replace the default Binance body for this status. */
  readonly body?: string;
  /** `Retry-After` header value in seconds (429 / 418 only; default 1 / 120). */
  readonly retryAfterSec?: number;
}

interface ArmedStatus {
  readonly status: InjectedStatus;
  remaining: number;
  readonly options: NextStatusOptions;
}

/** Hooks into the live WebSocket layer, wired by the simulator. */
export interface WebSocketControl {
  closeAll(code: number): void;
}

export class Faults {
  private readonly statuses: ArmedStatus[] = [];
  private dropOrderReplies = 0;
  private duplicateFills = 0;
  private delayMs = 0;
  private stallUntil = 0;

  constructor(
    private readonly ws: WebSocketControl,
    private readonly gap: (symbol: string, skip: number) => void,
  ) {}

  /** Accept the next `POST /api/v3/order` (the order is placed), then destroy the socket without replying. */
  dropNextOrderReply(count = 1): void {
    this.dropOrderReplies += count;
  }

  /** Answer the next `n` REST requests with `status` and Binance's body for it. */
  nextStatus(status: InjectedStatus, n = 1, options: NextStatusOptions = {}): void {
    this.statuses.push({ status, remaining: n, options });
  }

  /** Delay every REST reply (and WebSocket API response) by `ms`; 0 disables. Requests are executed before the delay. */
  delayReplies(ms: number): void {
    this.delayMs = Math.max(0, ms);
  }

  /** Close every open WebSocket. 1006 (default) destroys the TCP socket (no close frame); other codes close cleanly. */
  closeWebSockets(code = 1006): void {
    this.ws.closeAll(code);
  }

  /** Send nothing on any WebSocket for `ms` — no events, no responses, no pongs (messages are dropped, not queued). */
  stallWebSockets(ms: number): void {
    this.stallUntil = Date.now() + ms;
  }

  /** The next diff-depth event of `symbol` skips `skip` update ids (U jumps past u+1). */
  sequenceGap(symbol: string, skip = 5): void {
    this.gap(symbol, skip);
  }

  /** Send the next `executionReport` with `x: TRADE` twice. */
  duplicateNextFill(count = 1): void {
    this.duplicateFills += count;
  }

  /** Disarm everything. */
  reset(): void {
    this.statuses.length = 0;
    this.dropOrderReplies = 0;
    this.duplicateFills = 0;
    this.delayMs = 0;
    this.stallUntil = 0;
  }

  // ---------------------------------------------------------- consumer side

  /** @internal */
  takeStatus(path: string): { status: InjectedStatus; options: NextStatusOptions } | undefined {
    const armed = this.statuses.find((s) => s.options.pathContains === undefined || path.includes(s.options.pathContains));
    if (armed === undefined) return undefined;
    armed.remaining--;
    if (armed.remaining <= 0) this.statuses.splice(this.statuses.indexOf(armed), 1);
    return { status: armed.status, options: armed.options };
  }

  /** @internal */
  takeDropOrderReply(): boolean {
    if (this.dropOrderReplies <= 0) return false;
    this.dropOrderReplies--;
    return true;
  }

  /** @internal */
  takeDuplicateFill(): boolean {
    if (this.duplicateFills <= 0) return false;
    this.duplicateFills--;
    return true;
  }

  /** @internal */
  get replyDelayMs(): number {
    return this.delayMs;
  }

  /** @internal */
  get stalled(): boolean {
    return Date.now() < this.stallUntil;
  }
}

/** Binance's bodies for injected statuses. */
export function injectedBody(status: InjectedStatus, now: number, retryAfterSec: number): string {
  switch (status) {
    case 429:
      return JSON.stringify({ code: -1003, msg: 'Too many requests; current limit of IP(127.0.0.1) is 6000 requests per minute. Please use WebSocket Streams for live updates to avoid polling the API.' });
    case 418:
      return JSON.stringify({ code: -1003, msg: `Way too many requests; IP(127.0.0.1) banned until ${now + retryAfterSec * 1000}. Please use WebSocket Streams for live updates to avoid bans.` });
    case 500:
      return JSON.stringify({ code: -1001, msg: 'Internal error; unable to process your request. Please try again.' });
    case 503:
      return JSON.stringify({ code: -1008, msg: 'Server is currently overloaded with other requests. Please try again in a few minutes.' });
    case 502:
    case 504:
      return '<html><head><title>' + status + '</title></head><body><center><h1>' + status + '</h1></center></body></html>';
  }
}
