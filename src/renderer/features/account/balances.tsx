import { fmt, fmtQty } from '../../app/format';
import { useAppSelector } from '../../app/hooks';
import { selectAccount } from './account-slice';

export function Balances() {
  const account = useAppSelector(selectAccount);
  return (
    <section className="panel" data-testid="balances">
      <h2>Balances <span className="muted">equity {fmt(account.equity)} {account.currency}</span></h2>
      <table>
        <thead><tr><th>Currency</th><th className="num">Total</th><th className="num">Locked</th></tr></thead>
        <tbody>
          {account.balances.map((b) => (
            <tr key={b.currency} data-testid="balance-row" data-currency={b.currency}><td>{b.currency}</td><td className="num" data-testid="balance-total">{fmtQty(b.total)}</td><td className="num">{fmtQty(b.locked)}</td></tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
