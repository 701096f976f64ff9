"""backtesting.py (kernc) running sma-cross: FractionalBacktest trades whole satoshis (lot 1e-8).

Fill rule: a market order placed in `next()` at bar i fills at bar i+1's open (trade_on_close
False, the default). Sizing: `buy(size=f)` with f just under 1 spends that fraction of available
cash at the fill price with the commission included and rounds down to whole units (satoshis).
"""
import time

import backtesting
from backtesting import Strategy
from backtesting.lib import FractionalBacktest

from common import args, cross_signals, emit, load, ms

a = args()
df, load_s = load(a.data)
up, down = cross_signals(df['Close'], a.fast, a.slow)


class SmaCross(Strategy):
    def init(self):
        pass

    def next(self):
        i = len(self.data) - 1
        if up[i] and not self.position:
            self.buy(size=0.99999999)
        elif down[i] and self.position.is_long:
            self.position.close()


bt = FractionalBacktest(df, SmaCross, cash=a.capital, commission=a.fee_bps / 10_000, fractional_unit=a.lot,
                        finalize_trades=False)
t0 = time.perf_counter()
stats = bt.run()
run_s = time.perf_counter() - t0
trades = []
for t in stats['_trades'].itertuples():
    trades.append({'entryTime': ms(t.EntryTime), 'exitTime': ms(t.ExitTime) if t.ExitTime == t.ExitTime else None,
                   'entryPrice': float(t.EntryPrice), 'exitPrice': float(t.ExitPrice), 'quantity': float(t.Size)})
for t in stats['_strategy'].trades:  # still open at the end (not in _trades without finalize_trades)
    trades.append({'entryTime': ms(t.entry_time), 'exitTime': None, 'entryPrice': float(t.entry_price) / a.lot,
                   'exitPrice': None, 'quantity': float(t.size) * a.lot})
emit(peer='backtesting.py', version=backtesting.__version__, bars=len(df), runSeconds=run_s, loadSeconds=load_s,
     fillRule='market order from next() fills at the next bar open', sizingRule='buy(size=0.99999999): fraction of available cash at the fill price, commission included, floored to 1e-8',
     trades=trades)
