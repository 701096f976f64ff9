/**
 * Trade-list agreement between LIBRA's `libra backtest --json` trades and a peer's (same shape:
 * times in ms of the bar whose price filled, exitTime null while open). Trades are matched by
 * entry time; a matched trade agrees on timing when the exit times are equal too, and its prices
 * and quantity are compared as relative differences (peers round quantities and fees their own
 * way, so quantity is reported, not required to be equal).
 */
export interface PeerTrade {
  readonly entryTime: number;
  readonly exitTime: number | null;
  readonly entryPrice: number;
  readonly exitPrice: number | null;
  readonly quantity: number;
}

export interface Agreement {
  readonly libraTrades: number;
  readonly peerTrades: number;
  /** Trades with the same entry and exit time in both lists. */
  readonly sameTiming: number;
  readonly onlyInLibra: number;
  readonly onlyInPeer: number;
  /** Matched trades whose entry or exit price differs by more than 1e-9 relative. */
  readonly priceDiffers: number;
  readonly maxPriceRelDiff: number;
  readonly maxQuantityRelDiff: number;
  /** Up to three entry times (ISO) present in one list only, for a look at why. */
  readonly firstDifferences: readonly string[];
}

const rel = (a: number, b: number): number => (a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b)));

export function compareTrades(libra: readonly PeerTrade[], peer: readonly PeerTrade[]): Agreement {
  const byEntry = new Map<number, PeerTrade>();
  for (const t of peer) byEntry.set(t.entryTime, t);
  let sameTiming = 0;
  let priceDiffers = 0;
  let maxPriceRelDiff = 0;
  let maxQuantityRelDiff = 0;
  const seen = new Set<number>();
  const firstDifferences: string[] = [];
  for (const t of libra) {
    const p = byEntry.get(t.entryTime);
    if (!p || p.exitTime !== t.exitTime) {
      if (firstDifferences.length < 3) firstDifferences.push(`LIBRA only: ${new Date(t.entryTime).toISOString()}`);
      continue;
    }
    seen.add(p.entryTime);
    sameTiming++;
    const dp = Math.max(rel(t.entryPrice, p.entryPrice), t.exitPrice === null || p.exitPrice === null ? 0 : rel(t.exitPrice, p.exitPrice));
    if (dp > 1e-9) priceDiffers++;
    maxPriceRelDiff = Math.max(maxPriceRelDiff, dp);
    maxQuantityRelDiff = Math.max(maxQuantityRelDiff, rel(t.quantity, p.quantity));
  }
  for (const p of peer) {
    if (!seen.has(p.entryTime) && firstDifferences.length < 3) firstDifferences.push(`peer only: ${new Date(p.entryTime).toISOString()}`);
  }
  return {
    libraTrades: libra.length,
    peerTrades: peer.length,
    sameTiming,
    onlyInLibra: libra.length - sameTiming,
    onlyInPeer: peer.length - sameTiming,
    priceDiffers,
    maxPriceRelDiff,
    maxQuantityRelDiff,
    firstDifferences,
  };
}
