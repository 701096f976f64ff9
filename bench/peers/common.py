"""Shared by the peer scripts: the one strategy definition every peer runs, read from argv.

sma-cross on closes: after bar i closes, a cross up (fast[i-1] <= slow[i-1] and fast[i] > slow[i])
while flat buys with all free cash; a cross down (fast[i-1] >= slow[i-1] and fast[i] < slow[i])
while long sells everything. Fees are `fee_bps` of notional on both sides. Quantities are rounded
down to `lot`. How and where each peer fills is its own engine's rule (each script says which).

Output contract (one JSON object on stdout): peer, version, bars, runSeconds (the peer's own
backtest call, data already in memory), loadSeconds, fillRule, sizingRule, trades: [{entryTime,
exitTime, entryPrice, exitPrice, quantity}] with times in ms (the open time of the bar whose
price filled the order) and exitTime null for a position still open at the end.
"""
import argparse
import json
import sys
import time

import numpy as np
import pandas as pd


def args():
    p = argparse.ArgumentParser()
    p.add_argument('--data', required=True)
    p.add_argument('--fast', type=int, default=10)
    p.add_argument('--slow', type=int, default=30)
    p.add_argument('--capital', type=float, default=10_000.0)
    p.add_argument('--fee-bps', type=float, default=10.0)
    p.add_argument('--lot', type=float, default=1e-8)
    return p.parse_args()


def load(path):
    """The CSV as a DataFrame indexed by UTC open time, columns Open High Low Close Volume."""
    t0 = time.perf_counter()
    df = pd.read_csv(path)
    df.index = pd.to_datetime(df['time'], utc=True)
    df = df[['open', 'high', 'low', 'close', 'volume']].astype('float64')
    df.columns = ['Open', 'High', 'Low', 'Close', 'Volume']
    return df, time.perf_counter() - t0


def cross_signals(close, fast, slow):
    """Boolean arrays (up, down) known at each bar's close, same definition as LIBRA's sma-cross."""
    c = pd.Series(np.asarray(close, dtype='float64'))
    f = c.rolling(fast).mean().to_numpy()
    s = c.rolling(slow).mean().to_numpy()
    pf = np.roll(f, 1)
    ps = np.roll(s, 1)
    pf[0] = ps[0] = np.nan
    with np.errstate(invalid='ignore'):
        up = (pf <= ps) & (f > s)
        down = (pf >= ps) & (f < s)
    return up, down


def ms(ts):
    return int(pd.Timestamp(ts).value // 1_000_000)


def emit(**kw):
    sys.stdout.write(json.dumps(kw) + '\n')
