import { fmt, fmtQty } from '../../app/format';
import { useAppSelector } from '../../app/hooks';
import { selectAccount } from './account-slice';

export function Balances() {
  const account = useAppSelector(selectAccount);
  return (
    <section className="panel" data-testid="balances">
      <h2>Balances <span className="muted">equity {fmt(account.equity)} {account.currency}</span></h2>
      <table>
        <thead><tr><th>Venue</th><th>Currency</th><th className="num">Total</th><th className="num">Locked</th></tr></thead>
        <tbody>
          {account.balances.map((b) => (
            <tr key={`${b.venue}|${b.currency}`} data-testid="balance-row" data-venue={b.venue} data-currency={b.currency}><td data-testid="balance-venue">{b.venue === '' ? 'all' : b.venue}</td><td>{b.currency}</td><td className="num" data-testid="balance-total">{fmtQty(b.total)}</td><td className="num">{fmtQty(b.locked)}</td></tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
