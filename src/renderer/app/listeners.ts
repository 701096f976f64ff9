/**
 * The ONE place that subscribes to the transport: state messages go through the sequence check
 * (StateReceiver) and become actions; a gap asks the host for a fresh snapshot.
 */
import type { UnknownAction } from '@reduxjs/toolkit';
import type { Delta, LibraBridge } from '../../shared/ipc/state-stream';
import { StateReceiver } from '../../shared/ipc/state-stream';
import { accountUpdated } from '../features/account/account-slice';
import { alertRemoved, alertUpdated } from '../features/alerts/alerts-slice';
import { bookReceived, tradeReceived } from '../features/book/book-slice';
import { barReceived, quoteReceived } from '../features/market/market-slice';
import { fillReceived, orderUpdated } from '../features/orders/orders-slice';
import { positionUpdated } from '../features/positions/positions-slice';
import { replayUpdated } from '../features/replay/replay-slice';
import { orderDenied, riskEventReceived, tradingStateChanged } from '../features/risk/risk-slice';
import { connectionChanged, gapDetected, snapshotReceived, venueUpdated } from '../features/session/session-slice';
import type { AppDispatch } from './store';

export function deltaToAction(d: Delta): UnknownAction {
  switch (d.t) {
    case 'quote':
      return quoteReceived(d.quote);
    case 'bar':
      return barReceived(d.bar);
    case 'order':
      return orderUpdated(d.order);
    case 'fill':
      return fillReceived(d.fill);
    case 'position':
      return positionUpdated(d.position);
    case 'account':
      return accountUpdated(d.account);
    case 'tradingState':
      return tradingStateChanged(d.tradingState);
    case 'riskEvent':
      return riskEventReceived(d.event);
    case 'denial':
      return orderDenied(d.denial);
    case 'alert':
      return alertUpdated(d.alert);
    case 'alertRemoved':
      return alertRemoved(d.id);
    case 'replay':
      return replayUpdated(d.replay);
    case 'venue':
      return venueUpdated(d.venue);
    case 'book':
      return bookReceived(d.book);
    case 'trade':
      return tradeReceived(d.trade);
  }
}

/** Starts streaming into the store; returns the stop function. */
export function startListeners(bridge: LibraBridge, dispatch: AppDispatch): () => void {
  const receiver = new StateReceiver();
  const offStatus = bridge.state.onDidChangeStatus?.((status) => {
    if (status !== 'open') receiver.reset();
    dispatch(connectionChanged(status));
  });
  const off = bridge.state.subscribe((msg) => {
    const r = receiver.receive(msg);
    switch (r.kind) {
      case 'snapshot':
        dispatch(snapshotReceived(r.snapshot));
        return;
      case 'batch':
        for (const d of r.deltas) dispatch(deltaToAction(d));
        return;
      case 'resync':
        dispatch(gapDetected());
        bridge.state.resync();
        return;
      case 'ignored':
        return;
    }
  });
  return () => {
    off();
    offStatus?.();
  };
}
