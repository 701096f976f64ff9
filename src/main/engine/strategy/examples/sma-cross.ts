/**
 * sma-cross — the example strategy.
 *
 * After each bar closes: when SMA(fast) of closes crosses above SMA(slow) (previous bar
 * fast ≤ slow, now fast > slow) and the strategy is flat, buy at market spending all free quote
 * cash (a quote-amount order: the quantity is the largest lot multiple whose cost plus taker fee
 * fits the cash at the FILL price, the next bar's open ± slippage, so every cross up is a trade).
 * When it crosses below while long, sell the whole position at market. A position still open at
 * the end stays open. Long only, one instrument (the first one subscribed). A buy the cash cannot
 * pay one minimum quantity of at the last price is not sent (the gate would refuse it).
 */
import { floorToLot } from '../../../../shared/domain/instrument';
import type { Instrument } from '../../../../shared/domain/instrument';
import type { Bar } from '../../../../shared/messages/market-data';
import { ParamError, Strategy } from '../strategy';
import type { IndicatorSeries, ParamSpec, StrategyContext } from '../strategy';

export default class SmaCross extends Strategy<{ fast: number; slow: number }> {
  static override readonly params: Readonly<Record<string, ParamSpec>> = {
    fast: { type: 'int', default: 10, min: 1, description: 'fast SMA period (bars)' },
    slow: { type: 'int', default: 30, min: 2, description: 'slow SMA period (bars)' },
  };

  private fast!: IndicatorSeries;
  private slow!: IndicatorSeries;
  private prevFast = NaN;
  private prevSlow = NaN;
  private instrumentId = '';

  constructor(params: { fast: number; slow: number }) {
    super(params);
    if (params.fast >= params.slow) throw new ParamError(`fast (${params.fast}) must be smaller than slow (${params.slow})`);
  }

  onStart(ctx: StrategyContext): void {
    const inst = ctx.instruments()[0];
    if (!inst) throw new Error('sma-cross needs one instrument');
    this.instrumentId = inst.id;
    // Through the host (not `register(new Sma(…))`): an optimizer's sets then share one SMA(n) series.
    this.fast = ctx.indicator(inst.id, `sma:${this.params.fast}`);
    this.slow = ctx.indicator(inst.id, `sma:${this.params.slow}`);
  }

  onBar(bar: Bar): void {
    if (bar.instrumentId !== this.instrumentId) return;
    const f = this.fast.current;
    const s = this.slow.current;
    const pf = this.prevFast;
    const ps = this.prevSlow;
    this.prevFast = f;
    this.prevSlow = s;
    if (!(this.slow.ready && pf === pf && ps === ps)) return; // NaN check: need two valid bars
    const crossUp = pf <= ps && f > s;
    const crossDown = pf >= ps && f < s;
    if (!crossUp && !crossDown) return;
    const ctx = this.ctx;
    if (ctx.openOrders(this.instrumentId).length > 0) return;
    const held = ctx.position(this.instrumentId)?.netRaw ?? 0;
    if (crossUp && held === 0) {
      const inst = ctx.instrument(this.instrumentId);
      const cash = ctx.balance(inst.quote, inst.venue); // the cash of this instrument's venue
      if (cash > 0 && this.buysALot(inst, cash, ctx.lastPrice(this.instrumentId))) ctx.spend(this.instrumentId, cash);
    } else if (crossDown && held > 0) {
      ctx.submit({ instrumentId: this.instrumentId, side: 'SELL', type: 'MARKET', quantityRaw: held });
    }
  }

  /**
   * False when `cash` cannot buy the minimum quantity at the last price, fees aside: the risk
   * gate would deny the buy (BELOW_MIN_QUANTITY), so it is not sent. Never stricter than the gate
   * (no fee, no margin, the cash before its rounding to raw units), so every buy the gate would
   * let through is still sent. Without a last price the order goes to the gate, which says why.
   */
  private buysALot(inst: Instrument, cash: number, last: number | undefined): boolean {
    if (last === undefined || !(last > 0)) return true;
    const qty = floorToLot(inst, Math.floor((cash / last) * 10 ** inst.sizePrecision + 1e-9));
    return qty >= inst.minQtyRaw && qty > 0;
  }
}
