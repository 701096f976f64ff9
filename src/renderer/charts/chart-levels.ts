/** Working orders (at their limit or trigger price) and open positions (at the entry) of one instrument, as chart price lines. */
import { useMemo } from 'react';
import type { OrderView, PositionView } from '../../shared/ipc/views';
import { useAppSelector } from '../app/hooks';
import { selectWorkingOrders } from '../features/orders/orders-slice';
import { selectOpenPositions } from '../features/positions/positions-slice';
import type { PriceLevel } from './candle-chart';

export function chartLevels(orders: readonly OrderView[], positions: readonly PositionView[], instrumentId: string): PriceLevel[] {
  const levels: PriceLevel[] = [];
  for (const o of orders) {
    const price = o.price ?? o.triggerPrice;
    if (o.instrumentId !== instrumentId || price === null) continue;
    levels.push({ price, title: `${o.side} ${o.quantity - o.filled} ${o.type.toLowerCase().replace('_', ' ')}`, color: o.side === 'BUY' ? '#26a69a' : '#ef5350' });
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
  return useMemo(() => chartLevels(orders, positions, instrumentId), [orders, positions, instrumentId]);
}
