/**
 * One token bucket per venue + API key, shared by every request the adapter sends, plus the
 * exponential backoff with jitter used for reconnects and for retried reads.
 *
 * Time and randomness are injected (`TimeSource`, `random`) so tests are deterministic. A 429
 * pushes the whole bucket into a pause (`pauseFor`, honouring Retry-After) instead of letting
 * each caller discover the limit again.
 */
import type { TimeSource } from '../../engine/clock/clock';

export interface TokenBucketOptions {
  /** Burst size. */
  readonly capacity: number;
  /** Tokens added per second. */
  readonly perSecond: number;
}

export function sleep(time: TimeSource, ms: number): Promise<void> {
  return new Promise((resolve) => {
    time.schedule(Math.max(0, ms), resolve);
  });
}

export class TokenBucket {
  private tokens: number;
  private last: number;
  private pausedUntil = 0;
  /** FIFO of waiters so a burst is served in arrival order. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly opts: TokenBucketOptions,
    private readonly time: TimeSource,
  ) {
    if (!(opts.capacity > 0) || !(opts.perSecond > 0)) throw new RangeError('token bucket: capacity and perSecond must be > 0');
    this.tokens = opts.capacity;
    this.last = time.now();
  }

  /** Takes `cost` tokens without waiting; false when not available (or paused). */
  tryTake(cost = 1): boolean {
    this.refill();
    if (this.time.now() < this.pausedUntil || this.tokens < cost) return false;
    this.tokens -= cost;
    return true;
  }

  /** Waits until `cost` tokens are available, then takes them. */
  take(cost = 1): Promise<void> {
    const next = this.queue.then(async () => {
      for (;;) {
        if (this.tryTake(cost)) return;
        await sleep(this.time, this.waitMs(cost));
      }
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Venue said slow down: no tokens for `ms` (Retry-After), and the bucket starts empty after. */
  pauseFor(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.time.now() + ms);
    this.tokens = 0;
  }

  get available(): number {
    this.refill();
    return this.tokens;
  }

  private waitMs(cost: number): number {
    const now = this.time.now();
    if (now < this.pausedUntil) return this.pausedUntil - now;
    return Math.max(1, Math.ceil(((cost - this.tokens) / this.opts.perSecond) * 1000));
  }

  private refill(): void {
    const now = this.time.now();
    const dt = Math.max(0, now - this.last);
    this.last = now;
    this.tokens = Math.min(this.opts.capacity, this.tokens + (dt / 1000) * this.opts.perSecond);
  }
}

/** Shared registry: one bucket per `venue|apiKeyId` however many clients use the key. */
export class RateLimiterRegistry {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(private readonly time: TimeSource) {}

  bucket(venue: string, keyId: string, opts: TokenBucketOptions): TokenBucket {
    const k = `${venue}|${keyId}`;
    let b = this.buckets.get(k);
    if (!b) {
      b = new TokenBucket(opts, this.time);
      this.buckets.set(k, b);
    }
    return b;
  }
}

export interface BackoffOptions {
  readonly baseMs: number;
  readonly maxMs: number;
  /** 0..1: fraction of the delay randomised ("equal jitter" at 0.5). */
  readonly jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 250, maxMs: 30_000, jitter: 0.5 };

/** Delay before attempt `attempt` (0-based): base·2^attempt capped, with jitter from `random`. */
export function backoffDelay(attempt: number, opts: BackoffOptions, random: () => number): number {
  const exp = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.min(attempt, 30));
  const fixed = exp * (1 - opts.jitter);
  return Math.round(fixed + exp * opts.jitter * random());
}
