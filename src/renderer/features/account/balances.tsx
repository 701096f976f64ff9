import { decimalsOf, fmt } from '../../app/format';
import { selectInstruments } from '../session/session-slice';
import { useAppSelector } from '../../app/hooks';
import { selectAccount } from './account-slice';

export function Balances() {
  const account = useAppSelector(selectAccount);
  const instruments = useAppSelector(selectInstruments);
  // A base currency shows at its instrument's lot (BTC 0.00000001), a quote currency with 2 decimals (USD).
  const digits = (currency: string): number => {
    const asBase = instruments.find((i) => i.base === currency);
    return asBase ? decimalsOf(asBase.lotSize) : 2;
  };
  return (
    <section className="panel" data-testid="balances">
      <h2>Balances <span className="muted">equity {fmt(account.equity)} {account.currency}</span></h2>
      <table>
        <thead><tr><th>Venue</th><th>Currency</th><th className="num">Total</th><th className="num">Locked</th></tr></thead>
        <tbody>
          {account.balances.map((b) => (
            <tr key={`${b.venue}|${b.currency}`} data-testid="balance-row" data-venue={b.venue} data-currency={b.currency}><td data-testid="balance-venue">{b.venue === '' ? 'all' : b.venue}</td><td>{b.currency}</td><td className="num" data-testid="balance-total">{fmt(b.total, digits(b.currency))}</td><td className="num">{fmt(b.locked, digits(b.currency))}</td></tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
