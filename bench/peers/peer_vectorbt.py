"""vectorbt running sma-cross through Portfolio.from_signals (vectorised, numba).

Fill rule: the signals known at bar i's close are shifted one bar and executed at bar i+1's open
(`price=open`), which is LIBRA's bar model. Sizing: `size=inf` spends all cash at the fill price
with the fee included, `size_granularity=lot` rounds down to the lot.
"""
import time

import numpy as np
import pandas as pd
import vectorbt as vbt

from common import args, cross_signals, emit, load, ms

a = args()
df, load_s = load(a.data)
up, down = cross_signals(df['Close'], a.fast, a.slow)
entries = pd.Series(np.roll(up, 1), index=df.index)
exits = pd.Series(np.roll(down, 1), index=df.index)
entries.iloc[0] = exits.iloc[0] = False


def run():
    return vbt.Portfolio.from_signals(df['Close'], entries, exits, price=df['Open'], size=np.inf,
                                      fees=a.fee_bps / 10_000, init_cash=a.capital, size_granularity=a.lot,
                                      freq='4h')


run()  # numba compiles on the first call; time the second
t0 = time.perf_counter()
pf = run()
run_s = time.perf_counter() - t0
rec = pf.trades.records_readable
trades = []
for t in rec.itertuples():
    is_open = t.Status == 'Open'
    trades.append({'entryTime': ms(t[rec.columns.get_loc('Entry Timestamp') + 1]),
                   'exitTime': None if is_open else ms(t[rec.columns.get_loc('Exit Timestamp') + 1]),
                   'entryPrice': float(t[rec.columns.get_loc('Avg Entry Price') + 1]),
                   'exitPrice': None if is_open else float(t[rec.columns.get_loc('Avg Exit Price') + 1]),
                   'quantity': float(t.Size)})
emit(peer='vectorbt', version=vbt.__version__, bars=len(df), runSeconds=run_s, loadSeconds=load_s,
     fillRule='signals shifted one bar, executed at the next bar open (price=open)',
     sizingRule='size=inf: all cash at the fill price, fee included, size_granularity floors to the lot',
     trades=trades)
