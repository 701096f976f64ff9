/**
 * Monte Carlo of trade order: the closed trades' returns (net PnL over the equity before the
 * trade) compounded in shuffled orders (seeded, so a seed always gives the same runs) from the
 * same capital, giving the distribution of the maximum drawdown a different luck of the sequence
 * would have produced. The final equity is the same in every order (a product of the same
 * factors); the path to it is what changes. Drawdowns are measured trade to trade, so they are
 * shallower than a bar-by-bar curve's.
 */

/** mulberry32: a small, fast, seeded 32-bit generator (deterministic across platforms). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface MonteCarloResult {
  readonly runs: number;
  readonly seed: number;
  readonly trades: number;
  /** Max drawdown (fraction of the peak) of the trades in their real order. */
  readonly actualMaxDrawdown: number;
  /** Percentiles of the shuffled runs' max drawdowns. */
  readonly maxDrawdown: { readonly p5: number; readonly p50: number; readonly p95: number; readonly p99: number; readonly worst: number };
  /** Share of shuffled runs whose drawdown was deeper than the real one. */
  readonly worseThanActual: number;
  /** Every run's max drawdown, sorted ascending (for a histogram). */
  readonly distribution: readonly number[];
}

/** Each trade's return on the equity before it: capital plus the earlier trades' PnLs. */
export function tradeReturns(capital: number, pnls: readonly number[]): number[] {
  let equity = capital;
  return pnls.map((p) => {
    const r = equity > 0 ? p / equity : 0;
    equity += p;
    return r;
  });
}

/** Max drawdown (fraction of the running peak) of equity compounding these returns in order. */
export function tradeDrawdown(returns: ArrayLike<number>): number {
  let equity = 1;
  let peak = 1;
  let worst = 0;
  for (let i = 0; i < returns.length; i++) {
    equity *= 1 + (returns[i] as number);
    if (equity > peak) peak = equity;
    else worst = Math.max(worst, (peak - equity) / peak);
  }
  return worst;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[i] as number;
}

export function monteCarloTrades(capital: number, pnls: readonly number[], runs: number, seed: number): MonteCarloResult {
  const rand = seededRandom(seed);
  const returns = tradeReturns(capital, pnls);
  const work = Float64Array.from(returns);
  const out: number[] = [];
  for (let r = 0; r < runs; r++) {
    // Fisher–Yates on the previous order: every permutation equally likely.
    for (let i = work.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      const t = work[i] as number;
      work[i] = work[j] as number;
      work[j] = t;
    }
    out.push(tradeDrawdown(work));
  }
  out.sort((a, b) => a - b);
  const actual = tradeDrawdown(returns);
  return {
    runs,
    seed,
    trades: pnls.length,
    actualMaxDrawdown: actual,
    maxDrawdown: { p5: percentile(out, 0.05), p50: percentile(out, 0.5), p95: percentile(out, 0.95), p99: percentile(out, 0.99), worst: out[out.length - 1] ?? 0 },
    worseThanActual: runs === 0 ? 0 : out.filter((d) => d > actual).length / runs,
    distribution: out,
  };
}
