/**
 * Adapts the engine's MessageBus to the recorder's MarketDataSource: every trade, quote, bar and
 * book update published on the bus reaches the recorder's handler, which only buffers (the
 * trading loop never waits for storage).
 */
import type { Bar, BookUpdate, QuoteTick, TradeTick } from '../../shared/messages/market-data';
import type { MessageBus } from '../engine/bus/message-bus';
import type { Pattern } from '../engine/bus/topics';
import type { MarketDataEvent, MarketDataSource } from './recorder';

export function busMarketDataSource(bus: MessageBus): MarketDataSource {
  return {
    subscribe(handler: (ev: MarketDataEvent) => void): () => void {
      // Lowest priority: strategies and the venue see the event first.
      const offs = [
        bus.subscribe('data.trades.**' as Pattern<TradeTick>, (data) => handler({ kind: 'trade', data }), -100),
        bus.subscribe('data.quotes.**' as Pattern<QuoteTick>, (data) => handler({ kind: 'quote', data }), -100),
        bus.subscribe('data.bars.**' as Pattern<Bar>, (data) => handler({ kind: 'bar', data }), -100),
        bus.subscribe('data.book.**' as Pattern<BookUpdate>, (data) => handler({ kind: 'book', data }), -100),
      ];
      return () => offs.forEach((off) => off());
    },
  };
}
