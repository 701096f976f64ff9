import { describe, expect, it } from 'vitest';
import { MessageBus } from './message-bus';
import { riskTopic, Topics } from './topics';
import type { Topic } from './topics';
import type { RiskEvent } from '../risk/risk-gate';

const t = (s: string): Topic<number> => s;

describe('MessageBus', () => {
  it('delivers to exact and wildcard subscribers', () => {
    const bus = new MessageBus();
    const got: string[] = [];
    bus.subscribe(t('data.bars.SIM.BTC/USDT.1m'), (_m, topic) => got.push(`exact:${topic}`));
    bus.subscribe('data.bars.*.BTC/USDT.*', (_m, topic) => got.push(`star:${topic}`));
    bus.subscribe('data.**', (_m, topic) => got.push(`rest:${topic}`));
    bus.subscribe('events.**', () => got.push('never'));
    bus.publish(t('data.bars.SIM.BTC/USDT.1m'), 1);
    expect(got).toEqual(['exact:data.bars.SIM.BTC/USDT.1m', 'star:data.bars.SIM.BTC/USDT.1m', 'rest:data.bars.SIM.BTC/USDT.1m']);
  });

  it('builds topics from the switchboard only', () => {
    expect(Topics.bars('BTC/USDT@BINANCE', '5m')).toBe('data.bars.BINANCE.BTC/USDT.5m');
    expect(Topics.trades('ETH/BTC@SIM')).toBe('data.trades.SIM.ETH/BTC');
  });

  it('keeps per-publisher order for messages published during delivery', () => {
    const bus = new MessageBus();
    const got: number[] = [];
    bus.subscribe(t('a'), (m) => {
      got.push(m);
      if (m === 1) {
        bus.publish(t('a'), 2);
        bus.publish(t('a'), 3);
      }
    });
    bus.publish(t('a'), 1);
    expect(got).toEqual([1, 2, 3]);
  });

  it('delivers risk events before queued market data', () => {
    const bus = new MessageBus();
    const got: string[] = [];
    const ev: RiskEvent = { kind: 'CIRCUIT_BREAKER', ts: 0, state: 'HALTED', message: 'x' };
    bus.subscribe(t('data.x'), (m) => {
      got.push(`data${m}`);
      if (m === 1) {
        bus.publish(t('data.x'), 2);
        bus.publish(riskTopic('CIRCUIT_BREAKER'), ev);
      }
    });
    bus.subscribe(Topics.allRiskEvents, (e) => got.push(e.kind));
    bus.publish(t('data.x'), 1);
    expect(got).toEqual(['data1', 'CIRCUIT_BREAKER', 'data2']);
  });

  it('runs higher-priority subscribers first', () => {
    const bus = new MessageBus();
    const got: string[] = [];
    bus.subscribe(t('a'), () => got.push('low'));
    bus.subscribe(t('a'), () => got.push('high'), 10);
    bus.publish(t('a'), 0);
    expect(got).toEqual(['high', 'low']);
  });

  it('stops delivering after unsubscribe', () => {
    const bus = new MessageBus();
    let n = 0;
    const off = bus.subscribe(t('a'), () => n++);
    bus.publish(t('a'), 0);
    off();
    bus.publish(t('a'), 0);
    expect(n).toBe(1);
  });

  it('keeps delivering to others when a subscriber throws, reporting the error', () => {
    const errors: string[] = [];
    const bus = new MessageBus({ onError: (e, topic) => errors.push(`${topic}:${(e as Error).message}`) });
    let n = 0;
    bus.subscribe(t('a'), () => {
      throw new Error('boom');
    });
    bus.subscribe(t('a'), () => n++);
    bus.publish(t('a'), 0);
    expect(n).toBe(1);
    expect(errors).toEqual(['a:boom']);
  });

  it('answers requests through registered endpoints and refuses a second handler', () => {
    const bus = new MessageBus();
    bus.register<number, number>('Calc.double', (x) => x * 2);
    expect(bus.request<number, number>('Calc.double', 21)).toBe(42);
    expect(() => bus.register('Calc.double', (x: number) => x)).toThrow(/already registered/);
    expect(() => bus.request('Nope.x', 1)).toThrow(/no handler/);
  });
});
