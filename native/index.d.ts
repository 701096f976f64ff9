/**
 * Types of the LIBRA native addon (hand-written: the shim uses raw Node-API, not napi-derive,
 * so nothing generates them). scripts/native-check.js fails when this file and the built
 * addon's exports or methods drift apart. Only src/main/native imports this module.
 */

/** Path of the loaded `.node` file. */
export declare const binaryPath: string;
/** Crate version of the addon; the JS side refuses a different one. */
export declare function addonVersion(): string;
/** Empty call, for measuring the Node-API crossing. */
export declare function noop(): void;
/** JSON array of deny reason codes; wire code n (≥ 1) is element n − 1. */
export declare function denyReasons(): string;

export declare class HmacSigner {
  /** The secret is copied into the native key schedule and never returned. */
  constructor(algorithm: 'sha256' | 'sha512', secret: string | Uint8Array);
  sign(payload: string | Uint8Array, encoding?: 'hex' | 'base64'): string;
}

export declare class Ed25519Signer {
  /** RFC 8032 32-byte private seed; held natively, never returned. */
  constructor(seed32: Uint8Array);
  /** 64-byte signature. */
  sign(payload: string | Uint8Array): Buffer;
  /** 32-byte public key. */
  publicKey(): Buffer;
}

/**
 * The Rust pre-trade gate, low-level: interned handles and numbers in, a wire code out
 * (0 = allow, n = denyReasons[n − 1]); `lastMessage()` after a deny. Side codes: 0 BUY,
 * 1 SELL. Type codes: 0 MARKET, 1 LIMIT, 2 STOP_MARKET, 3 STOP_LIMIT. Flags: 1 reduceOnly,
 * 2 has priceRaw, 4 has triggerPriceRaw. A handle that is not a small integer means "unknown".
 */
export declare class RiskGate {
  constructor(configJson: string);
  internInstrument(instrumentId: string): number;
  internStrategy(strategyId: string): number;
  registerInstrument(
    instrumentId: string,
    pricePrecision: number,
    sizePrecision: number,
    tickRaw: number,
    lotRaw: number,
    minQtyRaw: number,
    minNotional: number,
    base: string,
    quote: string,
  ): number;
  checkSubmit(strategy: number, instrument: number, side: number, type: number, quantityRaw: number, priceRaw: number, triggerPriceRaw: number, flags: number, now: number): number;
  checkModify(strategy: number, instrument: number, side: number, type: number, quantityRaw: number, priceRaw: number, triggerPriceRaw: number, flags: number, now: number): number;
  /** 8 numbers per order (strategy, instrument, side, type, qty, price, trigger, flags); writes one code per order into `out`; returns the allowed count. */
  checkSubmitBatch(orders: Float64Array, now: number, out: Uint8Array): number;
  lastMessage(): string;
  orderOpened(clientOrderId: string): void;
  orderClosed(clientOrderId: string): void;
  fill(strategy: number, instrument: number, side: number, quantityRaw: number): void;
  referencePrice(instrument: number, kind: string, price: number): void;
  /** JSON array of RiskEvent. */
  equity(equity: number, now: number): string;
  /** JSON array of RiskEvent. */
  setTradingState(state: string, now: number, reason: string): string;
  tradingState(): string;
  position(instrument: number): number;
  openOrderCount(): number;
  /** Test hook: the next check panics inside the gate (→ INTERNAL_ERROR, gate poisoned). */
  debugInjectPanic(): void;
}
