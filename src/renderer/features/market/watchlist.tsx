/** Watchlist: one row per instrument of the session (last price, 24h change); click a row (or focus it and press Enter; ↑/↓ move) to select it for the order ticket. */
import { fmt, fmtSigned, pnlClass } from '../../app/format';
import { useAppSelector } from '../../app/hooks';
import { rowKeys } from '../../app/row-keys';
import { selectInstruments } from '../session/session-slice';
import { selectQuotes } from './market-slice';

export function Watchlist({ onSelect, selected }: { onSelect?: (instrumentId: string) => void; selected?: string | undefined }) {
  const quotes = useAppSelector(selectQuotes);
  const instruments = useAppSelector(selectInstruments);
  const precision = (id: string): number => instruments.find((i) => i.id === id)?.pricePrecision ?? 2;
  return (
    <section className="panel" data-testid="watchlist">
      <h2>Watchlist</h2>
      <table>
        <thead>
          <tr><th>Symbol</th><th className="num">Last</th><th className="num">24h</th><th className="num">%</th></tr>
        </thead>
        <tbody>
          {quotes.map((q) => (
            <tr
              key={q.instrumentId}
              onClick={() => onSelect?.(q.instrumentId)}
              {...rowKeys(() => onSelect?.(q.instrumentId))}
              className={q.instrumentId === selected ? 'clickable selected' : 'clickable'}
              aria-selected={q.instrumentId === selected}
              data-testid="watch-row"
              data-symbol={q.symbol}
            >
              <td>{q.symbol}</td>
              <td className="num" data-testid="last-price">{fmt(q.last, precision(q.instrumentId))}</td>
              <td className={`num ${pnlClass(q.change)}`} data-testid="change">{fmtSigned(q.change, precision(q.instrumentId))}</td>
              <td className={`num ${pnlClass(q.change)}`} data-testid="change-pct">{fmtSigned(q.changePct)}%</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
