/**
 * A level-2 order book rebuilt from a snapshot plus sequenced deltas, with Binance's sync rules:
 *
 *   - drop deltas whose final id `u` ≤ the snapshot's lastUpdateId;
 *   - the first applied delta must straddle it: `U ≤ lastUpdateId + 1 ≤ u`;
 *   - every later delta must continue exactly: `U == previous u + 1` (spot) or
 *     `pu == previous u` (USD-M futures) — anything else is a GAP: the book is invalid and the
 *     caller must take a new snapshot.
 *
 * Prices are keys of plain Maps (a venue's decimal → the same double every time), so applying a
 * level is O(1); sorted views are built on demand: `top(n)` selects the best n levels in one
 * pass over the side (O(levels) compares plus O(n) per level that enters the top), without
 * sorting the whole book. Prices are finite numbers (a Map key appears once, so no ties).
 */

/** Above this many levels per side `top` sorts (the insertion pass is O(levels · n) at worst). */
const SELECT_MAX = 64;

/** `Array.prototype.slice(0, n)`'s end index for an array of `len` (negative counts from the end). */
function sliceEnd(len: number, n: number): number {
  const r = Number.isNaN(n) ? 0 : Math.trunc(n);
  return r < 0 ? Math.max(len + r, 0) : Math.min(r, len);
}

/**
 * The best `n` levels of one side, best first (highest price first when `desc`): exactly
 * `[...side.entries()].sort(byPrice).slice(0, n)`, by keeping a sorted buffer of the best k seen.
 */
function bestLevels(side: ReadonlyMap<number, number>, n: number, desc: boolean): [number, number][] {
  const k = sliceEnd(side.size, n);
  if (k === 0) return [];
  if (k > SELECT_MAX) return [...side.entries()].sort(desc ? (a, b) => b[0] - a[0] : (a, b) => a[0] - b[0]).slice(0, k);
  const out: [number, number][] = [];
  side.forEach((q, p) => {
    let i = out.length;
    if (i === k) {
      // `worse` than the k-th kept level: not in the top (the common case, one compare).
      const worst = (out[k - 1] as [number, number])[0];
      if (desc ? p <= worst : p >= worst) return;
      i = k - 1;
    }
    // Shift worse levels down one place (the k-th falls off when full), then fill the slot.
    while (i > 0) {
      const prev = out[i - 1] as [number, number];
      if (desc ? prev[0] > p : prev[0] < p) break;
      out[i] = prev;
      i--;
    }
    out[i] = [p, q];
  });
  return out;
}
export interface BookDelta {
  /** First update id in the event (Binance `U`). */
  readonly first: number;
  /** Final update id (Binance `u`). */
  readonly last: number;
  /** Previous final update id (Binance futures `pu`), when the venue sends it. */
  readonly prev?: number;
  readonly bids: readonly (readonly [number, number])[];
  readonly asks: readonly (readonly [number, number])[];
}

export type ApplyResult = 'APPLIED' | 'STALE' | 'GAP';

export class SequenceGapError extends Error {
  override readonly name = 'SequenceGapError';
}

export class L2Book {
  readonly bids = new Map<number, number>();
  readonly asks = new Map<number, number>();
  /** Last update id included (snapshot's lastUpdateId, then each delta's `u`). */
  sequence = -1;
  private synced = false;
  private valid = false;

  snapshot(lastUpdateId: number, bids: readonly (readonly [number, number])[], asks: readonly (readonly [number, number])[]): void {
    this.bids.clear();
    this.asks.clear();
    for (const [p, q] of bids) if (q > 0) this.bids.set(p, q);
    for (const [p, q] of asks) if (q > 0) this.asks.set(p, q);
    this.sequence = lastUpdateId;
    this.synced = false;
    this.valid = true;
  }

  get isValid(): boolean {
    return this.valid;
  }

  apply(d: BookDelta): ApplyResult {
    if (!this.valid) return 'GAP';
    if (d.last <= this.sequence) return 'STALE';
    if (!this.synced) {
      if (!(d.first <= this.sequence + 1 && this.sequence + 1 <= d.last)) return this.invalidate();
      this.synced = true;
    } else if (d.prev !== undefined ? d.prev !== this.sequence : d.first !== this.sequence + 1) {
      return this.invalidate();
    }
    for (const [p, q] of d.bids) {
      if (q === 0) this.bids.delete(p);
      else this.bids.set(p, q);
    }
    for (const [p, q] of d.asks) {
      if (q === 0) this.asks.delete(p);
      else this.asks.set(p, q);
    }
    this.sequence = d.last;
    return 'APPLIED';
  }

  /** Best `n` levels per side: bids descending, asks ascending. */
  top(n: number): { bids: [number, number][]; asks: [number, number][] } {
    return { bids: bestLevels(this.bids, n, true), asks: bestLevels(this.asks, n, false) };
  }

  bestBid(): number | undefined {
    let best: number | undefined;
    for (const p of this.bids.keys()) if (best === undefined || p > best) best = p;
    return best;
  }

  bestAsk(): number | undefined {
    let best: number | undefined;
    for (const p of this.asks.keys()) if (best === undefined || p < best) best = p;
    return best;
  }

  private invalidate(): ApplyResult {
    this.valid = false;
    return 'GAP';
  }
}
