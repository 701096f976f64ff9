/** Order book ladder (asks over bids, size, cumulative size, depth bars), its depth chart, and time & sales of one instrument; prices at the tick, sizes at the lot. */
import { useMemo } from 'react';
import { fmtAmount, fmtPrice } from '../../app/format';
import { DepthChart } from './depth-chart';
import { useAppSelector, useThrottledAppSelector } from '../../app/hooks';
import type { InstrumentView } from '../../../shared/ipc/views';
import { selectSession } from '../session/session-slice';
import { ladderRows, selectBook, selectTape } from './book-slice';

/** Levels a side the ladder shows (its box is 2 × this many rows high: see .ladder-box). */
const LEVELS = 8;
/** The depth chart looks deeper than the ladder shows. */
const DEPTH_LEVELS = 50;
/**
 * The ladder, depth chart and tape redraw at most 10 times a second: a venue's L2 can change
 * 1 000 times a second, which no one reads, and redrawing each frame kept the main thread busy.
 */
export const BOOK_RENDER_MS = 100;
/** Trades the tape shows (its box is this many rows high: see .tape-box). */
const TAPE_ROWS = 30;

export function OrderBookPanel({ instrument }: { instrument: InstrumentView | undefined }) {
  const id = instrument?.id ?? '';
  const book = useThrottledAppSelector((s) => selectBook(s, id), BOOK_RENDER_MS, id);
  const session = useAppSelector(selectSession);
  const rows = useMemo(() => (book ? ladderRows(book, LEVELS) : []), [book]);
  const bestBid = book?.bids[0]?.price;
  const bestAsk = book?.asks[0]?.price;
  return (
    <section className="panel book" data-testid="order-book" aria-label="Order book">
      <h2>Order book {instrument ? <span className="muted">{instrument.symbol}</span> : null}</h2>
      {rows.length === 0 ? (
        <p className="muted" data-testid="no-book">
          No order book for this session{session.kind === 'replay' ? ' yet (the replay plays its recorded book while it runs)' : ' yet'}.
        </p>
      ) : (
        <div className="ladder-box" data-testid="ladder-box">
        <table className="ladder">
          <thead>
            <tr><th className="num">Price</th><th className="num">Size</th><th className="num">Total</th></tr>
          </thead>
          <tbody>
            {/* Keyed by position, not price: a moving book updates the rows' text in place instead
                of removing and inserting rows every frame. */}
            {rows.map((r, i) => (
              <tr key={`${r.side}${i}`} className={`ladder-${r.side}`} data-testid={`book-${r.side}`} style={{ backgroundSize: `${Math.round(r.depth * 100)}% 100%` }}>
                <td className={`num ${r.side === 'bid' ? 'up' : 'down'}`}>{fmtPrice(r.price, instrument)}</td>
                <td className="num" data-testid="book-size">{fmtAmount(r.size, instrument)}</td>
                <td className="num muted" data-testid="book-total">{fmtAmount(r.cumulative, instrument)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        </div>
      )}
      {book && rows.length > 0 ? <DepthChart book={book} levels={DEPTH_LEVELS} formatPrice={(p) => fmtPrice(p, instrument)} /> : null}
      {bestBid !== undefined && bestAsk !== undefined ? <p className="muted" data-testid="book-spread">Spread {fmtPrice(bestAsk - bestBid, instrument)}</p> : null}
    </section>
  );
}

export function TradesTape({ instrument }: { instrument: InstrumentView | undefined }) {
  const id = instrument?.id ?? '';
  const tape = useThrottledAppSelector((s) => selectTape(s, id), BOOK_RENDER_MS, id);
  return (
    <section className="panel tape" data-testid="trades-tape" aria-label="Time and sales">
      <h2>Time &amp; sales</h2>
      {tape.length === 0 ? (
        <p className="muted" data-testid="no-trades">No trades from the venue for this session yet.</p>
      ) : (
        <div className="tape-box" data-testid="tape-box">
        <table>
          <tbody>
            {tape.slice(0, TAPE_ROWS).map((t) => (
              <tr key={t.tradeId} data-testid="tape-row">
                <td className="muted">{new Date(t.ts).toISOString().slice(11, 19)}</td>
                <td className={`num ${t.side === 'SELL' ? 'down' : t.side === 'BUY' ? 'up' : ''}`}>{fmtPrice(t.price, instrument)}</td>
                <td className="num">{fmtAmount(t.size, instrument)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        </div>
      )}
    </section>
  );
}
