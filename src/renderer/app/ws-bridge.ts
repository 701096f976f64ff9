/**
 * Browser mode transport: the contract over a WebSocket to `libra serve`, with the same
 * LibraBridge interface as Electron's `window.libra`. Reconnects with backoff; on reconnect the
 * host sends a fresh snapshot. Calls made while disconnected answer DISCONNECTED.
 */
import { createServiceClient } from '../../shared/ipc/contract';
import type { Result } from '../../shared/ipc/result';
import { err, HostErrorCodes, ok } from '../../shared/ipc/result';
import type { ConnectionStatus, LibraBridge, StateMessage } from '../../shared/ipc/state-stream';

type HostFrame = { t: 'result'; id: number; result: Result<unknown> } | { t: 'state'; msg: StateMessage };

export interface WsBridgeOptions {
  readonly url: string;
  /** Opens a chart tab (browser mode has no window manager on the host). */
  readonly openChart?: (req: { instrumentId: string; timeframe: string; indicators?: readonly string[] }) => void;
  /** Opens (or focuses) the backtest chart tab at one trade of a run. */
  readonly openBacktestChart?: (req: { runId: string; trade: number }) => void;
}

export function createWsBridge(opts: WsBridgeOptions): LibraBridge & { close(): void } {
  let ws: WebSocket | null = null;
  let nextId = 1;
  let closed = false;
  let backoff = 250;
  const pending = new Map<number, (r: Result<unknown>) => void>();
  const stateListeners = new Set<(m: StateMessage) => void>();
  const statusListeners = new Set<(s: ConnectionStatus) => void>();
  const setStatus = (s: ConnectionStatus): void => {
    for (const l of statusListeners) l(s);
  };

  const connect = (): void => {
    setStatus('connecting');
    const sock = new WebSocket(opts.url);
    ws = sock;
    sock.onopen = () => {
      backoff = 250;
      setStatus('open');
    };
    sock.onmessage = (ev: MessageEvent<string>) => {
      const frame = JSON.parse(ev.data) as HostFrame;
      if (frame.t === 'state') for (const l of stateListeners) l(frame.msg);
      else {
        pending.get(frame.id)?.(frame.result);
        pending.delete(frame.id);
      }
    };
    sock.onclose = () => {
      for (const resolve of pending.values()) resolve(err(HostErrorCodes.disconnected, 'connection to the engine lost'));
      pending.clear();
      setStatus('closed');
      if (!closed) {
        setTimeout(connect, backoff);
        backoff = Math.min(backoff * 2, 5000);
      }
    };
  };

  const invoke = (channel: string, payload: unknown): Promise<Result<unknown>> => {
    if (!ws || ws.readyState !== WebSocket.OPEN) return Promise.resolve(err(HostErrorCodes.disconnected, 'not connected to the engine'));
    const id = nextId++;
    const sock = ws;
    return new Promise((resolve) => {
      pending.set(id, resolve);
      sock.send(JSON.stringify({ t: 'call', id, channel, payload }));
    });
  };

  const services = createServiceClient(invoke);
  connect();
  return {
    ...services,
    windows: {
      openChart: (req) => {
        opts.openChart?.(req);
        return Promise.resolve(ok({ opened: opts.openChart !== undefined }));
      },
      openBacktestChart: (req) => {
        opts.openBacktestChart?.(req);
        return Promise.resolve(ok({ opened: opts.openBacktestChart !== undefined }));
      },
    },
    transport: 'websocket',
    state: {
      subscribe(listener) {
        stateListeners.add(listener);
        return () => stateListeners.delete(listener);
      },
      resync() {
        if (ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ t: 'resync' }));
      },
      onDidChangeStatus(listener) {
        statusListeners.add(listener);
        return () => statusListeners.delete(listener);
      },
    },
    close() {
      closed = true;
      ws?.close();
    },
  };
}
