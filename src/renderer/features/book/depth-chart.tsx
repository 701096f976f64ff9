/**
 * Depth chart of one book: cumulative bid size stepping down-left of the mid, cumulative ask
 * size stepping up-right, as filled areas (SVG, redrawn with the book). Price on x, size on y.
 */
import { useMemo } from 'react';
import type { BookView } from '../../../shared/ipc/views';

export interface DepthPath {
  /** SVG path data of the filled area, in a 0..width × 0..height box (y down). */
  readonly bids: string;
  readonly asks: string;
  readonly minPrice: number;
  readonly maxPrice: number;
  readonly maxSize: number;
}

/** The two areas as step paths; null when one side is empty. */
export function depthPaths(book: BookView, levels: number, width: number, height: number): DepthPath | null {
  const bids = book.bids.slice(0, levels);
  const asks = book.asks.slice(0, levels);
  const lastBid = bids.at(-1);
  const lastAsk = asks.at(-1);
  if (!lastBid || !lastAsk) return null;
  const minPrice = lastBid.price;
  const maxPrice = lastAsk.price;
  const total = (rows: typeof bids): number => rows.reduce((n, l) => n + l.size, 0);
  const maxSize = Math.max(total(bids), total(asks)) || 1;
  const span = maxPrice - minPrice || 1;
  const x = (p: number): number => ((p - minPrice) / span) * width;
  const y = (s: number): number => height - (s / maxSize) * height * 0.95;
  const r = (v: number): string => v.toFixed(1);
  const side = (rows: typeof bids): string => {
    let cum = 0;
    const first = rows[0];
    if (!first) return '';
    let d = `M${r(x(first.price))},${r(height)}`;
    for (const l of rows) {
      d += ` L${r(x(l.price))},${r(y(cum))}`;
      cum += l.size;
      d += ` L${r(x(l.price))},${r(y(cum))}`;
    }
    const end = rows.at(-1) ?? first;
    return `${d} L${r(x(end.price))},${r(height)} Z`;
  };
  return { bids: side(bids), asks: side(asks), minPrice, maxPrice, maxSize };
}

const W = 300;
const H = 110;

export function DepthChart({ book, levels, formatPrice }: { book: BookView; levels: number; formatPrice: (p: number) => string }) {
  const d = useMemo(() => depthPaths(book, levels, W, H), [book, levels]);
  if (!d) return null;
  return (
    <svg className="depth-chart" viewBox={`0 0 ${W} ${H + 12}`} preserveAspectRatio="none" role="img" aria-label="Depth chart" data-testid="depth-chart">
      <path d={d.bids} fill="rgba(38,166,154,0.35)" stroke="#26a69a" strokeWidth={1} data-testid="depth-bids" />
      <path d={d.asks} fill="rgba(239,83,80,0.35)" stroke="#ef5350" strokeWidth={1} data-testid="depth-asks" />
      <text x={2} y={H + 10} fill="#7d8a99" fontSize={9}>{formatPrice(d.minPrice)}</text>
      <text x={W - 2} y={H + 10} fill="#7d8a99" fontSize={9} textAnchor="end">{formatPrice(d.maxPrice)}</text>
    </svg>
  );
}
