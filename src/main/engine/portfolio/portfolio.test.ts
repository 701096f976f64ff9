/** The portfolio's accounts: one per venue, plus the shared account of backtests and replays. */
import { describe, expect, it } from 'vitest';
import { makeInstrument } from '../../../shared/domain/instrument';
import type { Fill } from '../../../shared/domain/order';
import { Portfolio, SHARED_ACCOUNT } from './portfolio';

const a = makeInstrument({ symbol: 'BTC/USDT', venue: 'BINANCE', tickSize: '0.01', lotSize: '0.001' });
const b = makeInstrument({ symbol: 'BTC/USDT', venue: 'BINANCE2', tickSize: '0.01', lotSize: '0.001' });

function buy(instrumentId: string, qtyRaw: number, priceRaw: number, strategyId = 'S', feeRaw = 0): Fill {
  return { tradeId: `${instrumentId}-${qtyRaw}-${priceRaw}`, clientOrderId: 'c', strategyId, instrumentId, side: 'BUY', quantityRaw: qtyRaw, priceRaw, feeRaw, feeCurrency: 'USDT', feePrecision: 8, liquidity: 'TAKER', ts: 1 };
}

function twoVenues(): Portfolio {
  const p = new Portfolio('USDT');
  p.registerInstrument(a);
  p.registerInstrument(b);
  p.setBalance('USDT', 10_000, { account: 'BINANCE' });
  p.setBalance('USDT', 3_000, { account: 'BINANCE2' });
  p.setBalance('BTC', 1, { account: 'BINANCE2' });
  return p;
}

describe('Portfolio accounts', () => {
  it('moves only the account of the fill\'s venue: quote, base and fee', () => {
    const p = twoVenues();
    p.applyFill(buy(a.id, 100, 5_000_000, 'S', 500_000_000)); // 0.1 BTC at 50 000 on BINANCE, fee 5 USDT
    expect(p.balanceValue('USDT', 'BINANCE')).toBe(10_000 - 5_000 - 5);
    expect(p.balanceValue('BTC', 'BINANCE')).toBe(0.1);
    expect(p.balanceValue('USDT', 'BINANCE2')).toBe(3_000);
    expect(p.balanceValue('BTC', 'BINANCE2')).toBe(1);
    expect(p.totalFees('USDT')).toBe(5);
  });

  it('sums accounts when no venue is named, and in equity', () => {
    const p = twoVenues();
    expect(p.balanceValue('USDT')).toBe(13_000);
    expect(p.freeValue('BTC')).toBe(1);
    expect(p.balance('USDT')).toMatchObject({ totalRaw: 13_000 * 1e8, lockedRaw: 0 });
    p.mark(a.id, 50_000);
    p.mark(b.id, 50_000);
    // Balance equity: 13 000 USDT plus 1 BTC (on BINANCE2) at the first mark.
    expect(p.balanceEquity()).toBe(63_000);
    p.applyFill(buy(b.id, 500, 4_000_000)); // 0.5 BTC at 40 000 on BINANCE2 (pays 20 000 it does not have: venues decide)
    expect(p.balanceValue('USDT', 'BINANCE2')).toBe(-17_000);
    // Strategy equity: the USDT of both accounts plus the position at the mark.
    expect(p.equity()).toBe(13_000 - 20_000 + 0.5 * 50_000);
  });

  it('keeps locks per account, so a lock on one venue does not shrink the other\'s free balance', () => {
    const p = twoVenues();
    p.setLocked('USDT', 2_000, 'BINANCE2');
    expect(p.freeValue('USDT', 'BINANCE2')).toBe(1_000);
    expect(p.freeValue('USDT', 'BINANCE')).toBe(10_000);
    expect(p.freeValue('USDT')).toBe(11_000);
    // A venue snapshot replaces that account's total and keeps its locks.
    p.setBalance('USDT', 2_500, { account: 'BINANCE2' });
    expect(p.balance('USDT', 'BINANCE2')).toMatchObject({ totalRaw: 2_500 * 1e8, lockedRaw: 2_000 * 1e8, account: 'BINANCE2' });
  });

  it('lists every balance with its account, in the order accounts were opened', () => {
    const p = twoVenues();
    expect(p.allBalances().map((x) => `${x.account}:${x.currency}`)).toEqual(['BINANCE:USDT', 'BINANCE2:USDT', 'BINANCE2:BTC']);
    expect(p.accountTotals('BINANCE2')).toEqual({ USDT: 3_000, BTC: 1 });
    expect(p.accountNames()).toEqual([SHARED_ACCOUNT, 'BINANCE', 'BINANCE2']);
  });

  it('keeps one shared account when balances name no venue (backtests), whatever venue the fill is on', () => {
    const p = new Portfolio('USDT');
    p.registerInstrument(a);
    p.setBalance('USDT', 10_000);
    p.applyFill(buy(a.id, 100, 5_000_000));
    expect(p.accountOf('BINANCE')).toBe(SHARED_ACCOUNT);
    expect(p.balanceValue('USDT', 'BINANCE')).toBe(5_000);
    expect(p.balanceValue('USDT')).toBe(5_000);
    expect(p.allBalances().map((x) => x.account)).toEqual([SHARED_ACCOUNT, SHARED_ACCOUNT]);
  });

  it('refuses an account without a venue name', () => {
    expect(() => new Portfolio('USDT').openAccount('')).toThrow(/needs a venue name/);
  });
});
