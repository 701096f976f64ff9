/** Working orders (at their limit and trigger prices, draggable) and open positions (at the entry) of one instrument, as chart price lines. */
import { useMemo, useRef } from 'react';
import type { OrderView, PositionView } from '../../shared/ipc/views';
import { useAppSelector } from '../app/hooks';
import { selectWorkingOrders } from '../features/orders/orders-slice';
import { selectOpenPositions } from '../features/positions/positions-slice';
import type { PriceLevel } from './candle-chart';

export function chartLevels(orders: readonly OrderView[], positions: readonly PositionView[], instrumentId: string): PriceLevel[] {
  const levels: PriceLevel[] = [];
  for (const o of orders) {
    if (o.instrumentId !== instrumentId) continue;
    const title = `${o.side} ${o.quantity - o.filled} ${o.type.toLowerCase().replace('_', ' ')}`;
    const color = o.side === 'BUY' ? '#26a69a' : '#ef5350';
    // Each line of a working order can be dragged to amend that price (a stop-limit has two).
    if (o.price !== null) levels.push({ price: o.price, title, color, order: { clientOrderId: o.clientOrderId, field: 'price' } });
    if (o.triggerPrice !== null) levels.push({ price: o.triggerPrice, title: o.price !== null ? `${title} trigger` : title, color, order: { clientOrderId: o.clientOrderId, field: 'triggerPrice' } });
  }
  for (const p of positions) {
    if (p.instrumentId !== instrumentId || p.quantity === 0) continue;
    levels.push({ price: p.avgEntry, title: `position ${p.quantity > 0 ? '+' : ''}${p.quantity}`, color: '#4fa3ff' });
  }
  return levels;
}

export function useChartLevels(instrumentId: string): PriceLevel[] {
  const orders = useAppSelector(selectWorkingOrders);
  const positions = useAppSelector(selectOpenPositions);
  const levels = useMemo(() => chartLevels(orders, positions, instrumentId), [orders, positions, instrumentId]);
  // Positions change on every mark (each bar) while their lines do not: keep the same array while
  // the lines are the same, so the chart does not redraw its price lines on every bar.
  const key = JSON.stringify(levels);
  const kept = useRef<{ key: string; levels: PriceLevel[] } | null>(null);
  if (kept.current?.key !== key) kept.current = { key, levels };
  return kept.current.levels;
}
