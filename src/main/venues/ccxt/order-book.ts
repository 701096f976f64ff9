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
 * level is O(1); sorted views are built on demand (top-N for publishing).
 */
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
    const bids = [...this.bids.entries()].sort((a, b) => b[0] - a[0]).slice(0, n);
    const asks = [...this.asks.entries()].sort((a, b) => a[0] - b[0]).slice(0, n);
    return { bids, asks };
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
