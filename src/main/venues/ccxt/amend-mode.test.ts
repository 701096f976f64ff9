import { describe, expect, it } from 'vitest';
import { makeInstrument } from '../../../shared/domain/instrument';
import type { CcxtLike } from './ccxt-types';
import { nativeAmendMode } from './build';

const ex = (id: string, editOrder = true): CcxtLike => ({ id, has: { editOrder } }) as unknown as CcxtLike;
const spot = makeInstrument({ symbol: 'BTC/USDT', venue: 'V', tickSize: '0.01', lotSize: '0.00001' });
const perp = makeInstrument({ symbol: 'BTC/USDT:USDT', venue: 'V', tickSize: '0.1', lotSize: '0.001', kind: 'perpetual' });

describe('nativeAmendMode: how a ccxt venue amends in one request, where that is known', () => {
  it('Binance spot replaces (cancelReplace), Binance USD-M perpetuals modify in place', () => {
    expect(nativeAmendMode(ex('binance'), [spot])).toBe('replace');
    expect(nativeAmendMode(ex('binanceusdm'), [perp])).toBe('modify');
    expect(nativeAmendMode(ex('binance'), [perp])).toBeUndefined();
  });

  it('Bybit and OKX modify in place; any other venue, or one without editOrder, or no instrument: the engine cancel-replaces', () => {
    expect(nativeAmendMode(ex('bybit'), [spot, perp])).toBe('modify');
    expect(nativeAmendMode(ex('okx'), [perp])).toBe('modify');
    expect(nativeAmendMode(ex('kraken'), [spot])).toBeUndefined();
    expect(nativeAmendMode(ex('binanceusdm', false), [perp])).toBeUndefined();
    expect(nativeAmendMode(ex('binance'), [])).toBeUndefined();
  });
});
