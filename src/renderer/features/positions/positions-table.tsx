/**
 * Positions with unrealized PnL at the host's mark; "Close" on a row sends a reduce-only market
 * order for the whole quantity through the risk gate (a toast follows it). Numbers at each
 * instrument's tick and lot.
 */
import { useState } from 'react';
import type { InstrumentView, PositionView } from '../../../shared/ipc/views';
import { amountInput, fmtAmount, fmtPnl, fmtPrice, pnlClass } from '../../app/format';
import { useAppSelector } from '../../app/hooks';
import { rowKeys } from '../../app/row-keys';
import { selectInstruments } from '../session/session-slice';
import { useOrderActions } from '../toasts/use-order-actions';
import { selectAllPositions } from './positions-slice';

/** The order that flattens a position: the opposite side, its whole size, reduce-only, at market. */
export function closeTicket(p: PositionView, inst: InstrumentView | undefined) {
  return { instrumentId: p.instrumentId, side: p.quantity > 0 ? ('SELL' as const) : ('BUY' as const), type: 'MARKET' as const, quantity: amountInput(Math.abs(p.quantity), inst), reduceOnly: true };
}

/** `onSelect`: Enter on a focused row (↑/↓ move between rows) selects its symbol. */
export function PositionsTable({ onSelect }: { onSelect?: (instrumentId: string) => void } = {}) {
  const positions = useAppSelector(selectAllPositions);
  const instruments = useAppSelector(selectInstruments);
  const actions = useOrderActions();
  const [error, setError] = useState<string | null>(null);
  const close = async (p: PositionView, inst: InstrumentView | undefined): Promise<void> => {
    const t = closeTicket(p, inst);
    const r = await actions.submit(t, `Close ${p.symbol} ${t.side === 'SELL' ? 'sell' : 'buy'} ${t.quantity} reduce-only`);
    setError(r.ok ? null : `${r.error.code}: ${r.error.message}`);
  };
  return (
    <section className="panel" data-testid="positions">
      <h2>Positions</h2>
      {error ? <p className="error" role="alert" data-testid="positions-error">{error}</p> : null}
      <table>
        <thead>
          <tr><th>Symbol</th><th>Strategy</th><th className="num">Qty</th><th className="num">Entry</th><th className="num">Mark</th><th className="num">Unrealized</th><th className="num">Realized</th><th /></tr>
        </thead>
        <tbody>
          {positions.length === 0 ? (
            <tr><td colSpan={8} className="muted">No positions</td></tr>
          ) : (
            positions.map((p) => {
              const inst = instruments.find((i) => i.id === p.instrumentId);
              return (
                <tr key={p.key} data-testid={`position-${p.strategyId}`} data-symbol={p.symbol} {...rowKeys(() => onSelect?.(p.instrumentId))}>
                  <td>{p.symbol}</td>
                  <td>{p.strategyId}</td>
                  <td className={`num ${pnlClass(p.quantity)}`} data-testid="position-qty">{fmtAmount(p.quantity, inst)}</td>
                  <td className="num">{p.quantity === 0 ? '—' : fmtPrice(p.avgEntry, inst)}</td>
                  <td className="num">{fmtPrice(p.mark, inst)}</td>
                  <td className={`num ${pnlClass(p.unrealized)}`} data-testid="position-upnl">{fmtPnl(p.unrealized, inst)}</td>
                  <td className={`num ${pnlClass(p.realized)}`}>{fmtPnl(p.realized, inst)}</td>
                  <td>
                    {p.quantity !== 0 ? (
                      <button type="button" className="small" onClick={() => void close(p, inst)} data-testid="close-position" aria-label={`Close ${p.symbol} position`}>Close</button>
                    ) : null}
                  </td>
                </tr>
              );
            })
          )}
        </tbody>
      </table>
    </section>
  );
}
