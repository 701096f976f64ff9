/**
 * Monthly returns of an equity curve (UTC calendar months): each month's last equity over the
 * previous month's last (the initial capital for the first month), minus one.
 */
import type { EquityPoint, MonthlyReturn } from './types';

export function monthlyReturns(equity: readonly EquityPoint[], initialCapital: number): MonthlyReturn[] {
  const out: MonthlyReturn[] = [];
  let prev = initialCapital;
  let month = '';
  let last = NaN;
  const close = (): void => {
    if (month === '') return;
    out.push({ month, return: prev > 0 ? last / prev - 1 : 0 });
    prev = last;
  };
  for (const [t, v] of equity) {
    const d = new Date(t);
    const m = `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
    if (m !== month) {
      close();
      month = m;
    }
    last = v;
  }
  close();
  return out;
}
