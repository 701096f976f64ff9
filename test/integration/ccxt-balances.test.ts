/**
 * The balances the engine keeps from ccxt's `fetchBalance` (mapping.ts `balanceTotals`), on
 * ccxt's RECORDED Binance answers (`shared/data/ccxt_static/response/binance.json`, recorded by
 * ccxt's maintainers on real accounts) parsed by the installed ccxt itself:
 *
 *  - spot: each currency's total as ccxt gives it;
 *  - USD-M futures (`fapi/v3/account`): the wallet balance, not ccxt's total (the margin balance,
 *    which includes the open positions' unrealized PnL — the portfolio adds that itself). The
 *    recorded account has no open position, so a copy of it with one (unrealizedProfit 250,
 *    marginBalance = wallet + 250, as Binance reports it) checks the difference.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ccxt from 'ccxt';
import { describe, expect, it } from 'vitest';
import { balanceTotals } from '../../src/main/venues/ccxt/mapping';

const STATIC = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'data', 'ccxt_static', 'response');

interface Case {
  readonly description: string;
  readonly input?: unknown[];
  readonly httpResponse: Record<string, unknown>;
}

const cases = (JSON.parse(readFileSync(join(STATIC, 'binance.json'), 'utf8')) as { methods: Record<string, Case[]> }).methods['fetchBalance'] ?? [];

type Parser = { parseBalanceCustom(response: unknown, type?: string): unknown; safeCurrencyCode(id: string): string | undefined };

function parse(ex: Parser, response: unknown, type: string): Record<string, number> {
  return balanceTotals(ex.parseBalanceCustom(response, type), (id) => ex.safeCurrencyCode(id) ?? id);
}

describe('balances from ccxt fetchBalance (recorded Binance answers)', () => {
  it('keeps spot totals as ccxt parses them', () => {
    const spot = cases.find((c) => c.description === 'Spot balance');
    expect(spot, 'the recording has a spot balance').toBeDefined();
    if (!spot) return;
    const ex = new ccxt.binance() as unknown as Parser;
    const totals = parse(ex, spot.httpResponse, 'spot');
    const balances = (spot.httpResponse['balances'] as { asset: string; free: string; locked: string }[]).filter((b) => Number(b.free) + Number(b.locked) > 0);
    expect(balances.length).toBeGreaterThan(0);
    for (const b of balances) expect(totals[b.asset]).toBeCloseTo(Number(b.free) + Number(b.locked), 8);
  });

  it('keeps the wallet balance of a USD-M account, so an open position\'s unrealized PnL is not counted twice', () => {
    const linear = cases.find((c) => c.description === 'Linear swap balance');
    expect(linear, 'the recording has a USD-M balance').toBeDefined();
    if (!linear) return;
    const ex = new ccxt.binanceusdm() as unknown as Parser;
    expect(parse(ex, linear.httpResponse, 'linear')['USDT']).toBe(31.022612);
    const withPosition = structuredClone(linear.httpResponse);
    const usdt = (withPosition['assets'] as Record<string, string>[]).find((a) => a['asset'] === 'USDT');
    if (!usdt) throw new Error('no USDT asset in the recording');
    usdt['unrealizedProfit'] = '250.00000000';
    usdt['marginBalance'] = '281.02261200';
    const parsed = ex.parseBalanceCustom(withPosition, 'linear') as { total: Record<string, number> };
    expect(parsed.total['USDT']).toBe(281.022612); // ccxt's total: the margin balance
    expect(parse(ex, withPosition, 'linear')['USDT']).toBe(31.022612); // the engine keeps the wallet
  });

  it('ignores what is not a balance answer', () => {
    expect(balanceTotals(undefined, (id) => id)).toEqual({});
    expect(balanceTotals({ total: { USDT: Number.NaN, BTC: 1 }, info: { assets: [{ asset: 'USDT', walletBalance: 'x', marginBalance: '1' }] } }, (id) => id)).toEqual({ BTC: 1 });
  });
});
