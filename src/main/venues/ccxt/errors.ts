/**
 * Classification of ccxt errors into what the order path must do with them.
 *
 * The one rule that matters: an error means "the venue REJECTED this request" only when the
 * venue answered and the answer says so (insufficient funds, bad order, bad nonce, rate limit
 * refusal). Anything else — timeout, socket closed, 5xx, a body we cannot parse — means the
 * answer is LOST: the request may or may not have been executed, so the order becomes UNKNOWN
 * and is resolved by asking the venue by client order id. Never by sending it again.
 */
import {
  AuthenticationError,
  BadRequest,
  DDoSProtection,
  DuplicateOrderId,
  ExchangeError,
  InsufficientFunds,
  InvalidNonce,
  InvalidOrder,
  NotSupported,
  OperationRejected,
  OrderNotFound,
  RateLimitExceeded,
} from 'ccxt';

export type ErrorClass =
  /** Venue banned us (Binance HTTP 418): stop sending anything to it. */
  | { readonly kind: 'BANNED'; readonly retryAfterMs: number; readonly message: string }
  /** Venue refused the request because of rate limits (HTTP 429); it was not executed. */
  | { readonly kind: 'RATE_LIMITED'; readonly retryAfterMs: number; readonly message: string }
  /** Venue answered: order does not exist. */
  | { readonly kind: 'NOT_FOUND'; readonly message: string }
  /** Venue answered: a request with this client order id already exists (we must resolve, not trust). */
  | { readonly kind: 'DUPLICATE'; readonly message: string }
  /** Venue answered with a definite refusal (funds, filters, auth, nonce…). */
  | { readonly kind: 'REJECTED'; readonly message: string }
  /** No usable answer: the request may have been executed. */
  | { readonly kind: 'LOST'; readonly message: string };

const SECRET_LIKE = /(signature|apiKey|api_key|X-MBX-APIKEY|secret)=?["']?[:=]?\s*["']?[A-Za-z0-9+/=_-]{16,}/gi;

/** Error text safe to log and show: signatures and keys that ccxt may echo are redacted. */
export function redactMessage(text: string): string {
  return text.replace(SECRET_LIKE, (m) => `${m.slice(0, m.search(/[:=]/) + 1 || 9)}[REDACTED]`);
}

function messageOf(error: unknown): string {
  const raw = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return redactMessage(raw).slice(0, 500);
}

/** Retry-After from the message ("banned until <ms>") or the status defaults (429: 1 s, 418: 2 min). */
export function retryAfterMs(message: string, now: number, headers?: Record<string, string | undefined>): number {
  const banned = /banned until (\d{12,})/.exec(message);
  if (banned?.[1]) return Math.max(0, Number(banned[1]) - now);
  const header = headers?.['retry-after'] ?? headers?.['Retry-After'];
  if (header !== undefined && header !== '' && Number.isFinite(Number(header))) return Number(header) * 1000;
  return / 418 /.test(message) ? 120_000 : 1_000;
}

export function classifyError(error: unknown, now: number, headers?: Record<string, string | undefined>): ErrorClass {
  const message = messageOf(error);
  // Order of checks follows ccxt's class hierarchy: most specific first.
  if (error instanceof DDoSProtection || error instanceof RateLimitExceeded) {
    const banned = / 418 /.test(message) || /banned/i.test(message);
    return { kind: banned ? 'BANNED' : 'RATE_LIMITED', retryAfterMs: retryAfterMs(message, now, headers), message };
  }
  if (error instanceof InvalidNonce) {
    // Binance -1021 "outside recvWindow": refused before execution (ChecksumError is an
    // InvalidNonce too but only comes from order books, never from the order path).
    return { kind: 'REJECTED', message };
  }
  if (error instanceof OrderNotFound) return { kind: 'NOT_FOUND', message };
  if (error instanceof DuplicateOrderId || /duplicate order/i.test(message)) return { kind: 'DUPLICATE', message };
  if (
    error instanceof InsufficientFunds ||
    error instanceof InvalidOrder ||
    error instanceof BadRequest ||
    error instanceof AuthenticationError ||
    error instanceof NotSupported ||
    error instanceof OperationRejected
  ) {
    return { kind: 'REJECTED', message };
  }
  // NetworkError, RequestTimeout, ExchangeNotAvailable, OperationFailed (5xx), BadResponse,
  // generic ExchangeError with an unknown code, and non-ccxt errors: the answer is lost.
  if (error instanceof ExchangeError) return { kind: 'LOST', message };
  return { kind: 'LOST', message };
}
