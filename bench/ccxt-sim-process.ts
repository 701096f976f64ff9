/**
 * The child process of bench/ccxt-sim.ts: the loopback Binance simulator with the per-tick
 * stamps, driven over the IPC channel (`trade`, `sync`, `collect`, `close`). A real venue is
 * never in the trader's process, so neither is this one: its engine, servers, parsing and
 * garbage stay out of the event loop the bench measures.
 */
import { observeGc, sharedNow, startStampedSim } from './ccxt-sim';
import type { SimReplyMessage, SimRequestMessage } from './ccxt-sim';

const s = await startStampedSim();
observeGc(s.stamps.gcs);
const send = (m: SimReplyMessage): void => void process.send?.(m);

process.on('message', (m: SimRequestMessage) => {
  switch (m.type) {
    case 'trade':
      s.trade(m.i);
      break;
    case 'sync':
      send({ type: 'sync', id: m.id, t: sharedNow() });
      break;
    case 'collect':
      send({ type: 'collected', ...s.stamps });
      break;
    case 'close':
      s.stop();
      void s.sim.close().then(() => process.exit(0));
      break;
  }
});
send({ type: 'ready', ccxtUrls: s.sim.ccxtUrls });
