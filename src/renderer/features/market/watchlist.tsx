import { fmt, fmtSigned, pnlClass } from '../../app/format';
import { useAppSelector } from '../../app/hooks';
import { selectQuotes } from './market-slice';

export function Watchlist({ onSelect }: { onSelect?: (instrumentId: string) => void }) {
  const quotes = useAppSelector(selectQuotes);
  return (
    <section className="panel" data-testid="watchlist">
      <h2>Watchlist</h2>
      <table>
        <thead>
          <tr><th>Symbol</th><th className="num">Last</th><th className="num">24h</th><th className="num">%</th></tr>
        </thead>
        <tbody>
          {quotes.map((q) => (
            <tr key={q.instrumentId} onClick={() => onSelect?.(q.instrumentId)} className="clickable">
              <td>{q.symbol}</td>
              <td className="num" data-testid="last-price">{fmt(q.last)}</td>
              <td className={`num ${pnlClass(q.change)}`}>{fmtSigned(q.change)}</td>
              <td className={`num ${pnlClass(q.change)}`}>{fmtSigned(q.changePct)}%</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
