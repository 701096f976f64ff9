/**
 * Unit tests of the TypeScript risk gate: every check, the check order, the trading states and
 * the equity triggers. The same scenarios run against the Rust gate in
 * src/main/native/native-risk-gate.test.ts (shared table in risk-gate.cases.ts).
 */
import { describe, expect, it } from 'vitest';
import { TsRiskGate, RiskGateError } from './ts-risk-gate';
import { GATE_CASES, btc, order } from './risk-gate.cases';

describe('TsRiskGate — shared scenarios', () => {
  for (const c of GATE_CASES) {
    it(c.name, () => {
      c.run((config) => new TsRiskGate(config));
    });
  }
});

describe('TsRiskGate — TypeScript specifics', () => {
  it('says whether it watches equity (a backtest then skips onEquity on every bar); without a limit onEquity never has an event', () => {
    const free = new TsRiskGate({ defaults: {} });
    expect(free.watchesEquity).toBe(false);
    expect(free.onEquity(100, 0)).toEqual([]);
    expect(free.onEquity(1, 1)).toEqual([]); // a 99 % fall: no limit, nothing to say
    for (const limit of [{ drawdownWarn: 0.1 }, { drawdownHalt: 0.2 }, { dailyLossLimit: 50 }]) {
      const g = new TsRiskGate({ defaults: {}, ...limit });
      expect(g.watchesEquity, JSON.stringify(limit)).toBe(true);
      expect(g.onEquity(100, 0)).toEqual([]);
      expect(g.onEquity(1, 1).length, JSON.stringify(limit)).toBe(1);
    }
  });

  it('rejects a config with a negative limit with a stable error code', () => {
    expect(() => new TsRiskGate({ defaults: { maxLong: -1 } })).toThrow(RiskGateError);
    try {
      new TsRiskGate({ defaults: { maxOrderQty: Number.NaN } });
    } catch (e) {
      expect((e as RiskGateError).code).toBe('ERR_RISK_INVALID_CONFIG');
    }
  });

  it('rejects an instrument with a zero tick', () => {
    const g = new TsRiskGate({ defaults: {} });
    expect(() => g.registerInstrument({ ...btc(), tickRaw: 0 })).toThrow(/invalid precision/);
  });

  it('rejects fills with invalid quantities instead of corrupting the position', () => {
    const g = new TsRiskGate({ defaults: {} });
    g.registerInstrument(btc());
    expect(() => g.onFill('s1', btc().id, 'BUY', Number.NaN)).toThrow(RiskGateError);
    expect(g.position(btc().id)).toBe(0);
  });

  it('batch check returns the same codes as successive single checks', () => {
    const mk = (): TsRiskGate => {
      const g = new TsRiskGate({ defaults: { maxOrderQty: 2 }, orderRate: { capacity: 3, perSecond: 1 } });
      g.registerInstrument(btc());
      return g;
    };
    const orders = [order({ quantityRaw: 1000 }), order({ quantityRaw: 5000 }), order({ quantityRaw: 1000 }), order({ quantityRaw: 1000 }), order({ quantityRaw: 1000 })];
    const single = mk();
    const expected = orders.map((o) => {
      const v = single.checkSubmit(o, 0);
      return v.allowed ? 'OK' : v.reason;
    });
    const codes = [...mk().checkSubmitBatch(orders, 0)];
    expect(codes.map((c) => (c === 0 ? 'OK' : c))).toEqual(expected.map((r) => (r === 'OK' ? 'OK' : expect.any(Number))));
    expect(expected).toEqual(['OK', 'MAX_QUANTITY_EXCEEDED', 'OK', 'OK', 'ORDER_RATE_EXCEEDED']);
  });
});
