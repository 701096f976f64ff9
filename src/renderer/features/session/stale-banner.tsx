/**
 * While the engine is away (the socket closed or reconnecting after a first snapshot), what a
 * window shows is the last state it received: this banner says so, with the time it was lost, and
 * `useTradingLive` tells trading controls to stay disabled until a fresh snapshot arrives.
 */
import { useEffect, useState } from 'react';
import { useAppSelector } from '../../app/hooks';
import { selectSnapshots, selectStatus } from './session-slice';

/** True once the window has state from the engine and is connected to it (a fresh snapshot received). */
export function useTradingLive(): boolean {
  return useAppSelector(selectStatus) === 'open';
}

/** True while the window shows state from before a lost connection. */
export function useStale(): boolean {
  const status = useAppSelector(selectStatus);
  const snapshots = useAppSelector(selectSnapshots);
  return snapshots > 0 && status !== 'open' && status !== 'unauthorized';
}

export function StaleBanner() {
  const stale = useStale();
  const [since, setSince] = useState<number | null>(null);
  useEffect(() => setSince(stale ? Date.now() : null), [stale]);
  if (!stale) return null;
  return (
    <div className="stale-banner" role="alert" data-testid="stale-banner">
      Disconnected from the engine{since !== null ? ` since ${new Date(since).toISOString().slice(11, 19)} UTC` : ''}: prices, orders and positions below are
      the last received and may be stale; trading is disabled until it reconnects.
    </div>
  );
}
