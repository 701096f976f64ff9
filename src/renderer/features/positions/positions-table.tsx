import { fmt, fmtQty, fmtSigned, pnlClass } from '../../app/format';
import { useAppSelector } from '../../app/hooks';
import { rowKeys } from '../../app/row-keys';
import { selectAllPositions } from './positions-slice';

/** `onSelect`: Enter on a focused row (↑/↓ move between rows) selects its symbol. */
export function PositionsTable({ onSelect }: { onSelect?: (instrumentId: string) => void } = {}) {
  const positions = useAppSelector(selectAllPositions);
  return (
    <section className="panel" data-testid="positions">
      <h2>Positions</h2>
      <table>
        <thead>
          <tr><th>Symbol</th><th>Strategy</th><th className="num">Qty</th><th className="num">Entry</th><th className="num">Mark</th><th className="num">Unrealized</th><th className="num">Realized</th></tr>
        </thead>
        <tbody>
          {positions.length === 0 ? (
            <tr><td colSpan={7} className="muted">No positions</td></tr>
          ) : (
            positions.map((p) => (
              <tr key={p.key} data-testid={`position-${p.strategyId}`} data-symbol={p.symbol} {...rowKeys(() => onSelect?.(p.instrumentId))}>
                <td>{p.symbol}</td>
                <td>{p.strategyId}</td>
                <td className={`num ${pnlClass(p.quantity)}`} data-testid="position-qty">{fmtQty(p.quantity)}</td>
                <td className="num">{p.quantity === 0 ? '—' : fmt(p.avgEntry)}</td>
                <td className="num">{fmt(p.mark)}</td>
                <td className={`num ${pnlClass(p.unrealized)}`} data-testid="position-upnl">{fmtSigned(p.unrealized)}</td>
                <td className={`num ${pnlClass(p.realized)}`}>{fmtSigned(p.realized)}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </section>
  );
}
