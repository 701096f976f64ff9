"""NautilusTrader's BacktestEngine (low-level API) running sma-cross on the same bars.

Fill rule: Nautilus turns each bar into open/high/low/close price moves and hands the bar to the
strategy after its close; a market order submitted in `on_bar` fills immediately at the market
price then current, i.e. at the signal bar's CLOSE (LIBRA and the others fill at the next open).
Sizing: all free quote cash at that close with the taker fee included, floored to the lot (the
strategy computes the quantity; Nautilus has no "spend all cash" order). Fees: the instrument's
taker fee on both sides. Bars are stamped with their close time (Nautilus' convention).
"""
import time
from decimal import Decimal

import nautilus_trader
import pandas as pd
from nautilus_trader.backtest.engine import BacktestEngine, BacktestEngineConfig
from nautilus_trader.config import LoggingConfig, StrategyConfig
from nautilus_trader.indicators import SimpleMovingAverage
from nautilus_trader.model.currencies import BTC, USD
from nautilus_trader.model.data import BarType
from nautilus_trader.model.enums import AccountType, OmsType, OrderSide
from nautilus_trader.model.identifiers import InstrumentId, Symbol, TraderId, Venue
from nautilus_trader.model.instruments import CurrencyPair
from nautilus_trader.model.objects import Money, Price, Quantity
from nautilus_trader.persistence.wranglers import BarDataWrangler
from nautilus_trader.trading.strategy import Strategy

from common import args, emit, load

a = args()
df, load_s = load(a.data)
step_ms = int((df.index[1] - df.index[0]).total_seconds() * 1000)
step = pd.Timedelta(milliseconds=step_ms)
bars_df = df.rename(columns=str.lower)
bars_df.index = bars_df.index + step  # Nautilus stamps a bar with its close time
bars_df.index.name = 'timestamp'

venue = Venue('COINBASE')
iid = InstrumentId(Symbol('BTC/USD'), venue)
fee = Decimal(str(a.fee_bps / 10_000))
lot_decimals = len(f'{a.lot:.10f}'.rstrip('0').split('.')[1])
inst = CurrencyPair(iid, Symbol('BTC/USD'), BTC, USD, 2, lot_decimals, Price.from_str('0.01'),
                    Quantity.from_str(f'{a.lot:.{lot_decimals}f}'), 0, 0, maker_fee=fee, taker_fee=fee)
bar_type = BarType.from_str(f'{iid}-{step_ms // 60000}-MINUTE-LAST-EXTERNAL')
bars = BarDataWrangler(bar_type, inst).process(bars_df)


class SmaCrossConfig(StrategyConfig, frozen=True):
    fast: int
    slow: int


class SmaCross(Strategy):
    def __init__(self, config):
        super().__init__(config)
        self.fast = SimpleMovingAverage(config.fast)
        self.slow = SimpleMovingAverage(config.slow)
        self.pf = float('nan')
        self.ps = float('nan')

    def on_start(self):
        self.register_indicator_for_bars(bar_type, self.fast)
        self.register_indicator_for_bars(bar_type, self.slow)
        self.subscribe_bars(bar_type)

    def on_bar(self, bar):
        f, s = self.fast.value, self.slow.value
        pf, ps = self.pf, self.ps
        self.pf, self.ps = f, s
        if not (self.slow.initialized and pf == pf and ps == ps):
            return
        up = pf <= ps and f > s
        down = pf >= ps and f < s
        flat = self.portfolio.is_flat(iid)
        if up and flat:
            cash = float(self.portfolio.account(venue).balance_free(USD).as_double())
            qty = int(cash / (float(bar.close) * (1 + float(fee))) / a.lot) * a.lot
            if qty > 0:
                self.submit_order(self.order_factory.market(iid, OrderSide.BUY, inst.make_qty(qty)))
        elif down and self.portfolio.is_net_long(iid):
            self.close_all_positions(iid)


engine = BacktestEngine(BacktestEngineConfig(trader_id=TraderId('PEERS-001'), logging=LoggingConfig(log_level='ERROR')))
engine.add_venue(venue, OmsType.NETTING, AccountType.CASH, base_currency=None,
                 starting_balances=[Money(a.capital, USD), Money(0, BTC)])
engine.add_instrument(inst)
engine.add_data(bars)
engine.add_strategy(SmaCross(SmaCrossConfig(fast=a.fast, slow=a.slow)))
t0 = time.perf_counter()
engine.run()
run_s = time.perf_counter() - t0

fills = engine.trader.generate_order_fills_report().sort_values('ts_last')
trades = []
for f in fills.itertuples():
    ts = int(pd.Timestamp(f.ts_last).value // 1_000_000)  # = the open time of the bar after the signal
    if f.side == 'BUY':
        trades.append({'entryTime': ts, 'exitTime': None, 'entryPrice': float(f.avg_px), 'exitPrice': None,
                       'quantity': float(f.filled_qty)})
    else:
        trades[-1].update(exitTime=ts, exitPrice=float(f.avg_px))
engine.dispose()
emit(peer='nautilus_trader', version=nautilus_trader.__version__, bars=len(bars), runSeconds=run_s, loadSeconds=load_s,
     fillRule='market order from on_bar fills at once at the signal bar close (stamped at the next bar open time)',
     sizingRule='all free cash at the signal close, taker fee included, floored to the lot (computed by the strategy)',
     trades=trades)
