/**
 * Browser mode transport: the contract over a WebSocket to `libra serve`, with the same
 * LibraBridge interface as Electron's `window.libra`. Reconnects with backoff; on reconnect the
 * host sends a fresh snapshot. Calls made while the socket is connecting (or between reconnect
 * attempts) are queued and sent when it opens; a queued call that waits longer than `queueMs`
 * (default 10 s) answers DISCONNECTED. Calls already sent when the socket drops answer
 * DISCONNECTED and are not re-sent (the host may have run them: an order must not go twice).
 * A socket the host closes with WS_CLOSE_UNAUTHORIZED (wrong or expired token) ends it: status
 * `unauthorized`, no more reconnects, calls answer FORBIDDEN "invalid or expired token".
 */
import { createServiceClient } from '../../shared/ipc/contract';
import type { Result } from '../../shared/ipc/result';
import { err, HostErrorCodes, ok } from '../../shared/ipc/result';
import type { ConnectionStatus, LibraBridge, StateMessage } from '../../shared/ipc/state-stream';
import { WS_CLOSE_UNAUTHORIZED } from '../../shared/ipc/state-stream';

type HostFrame = { t: 'result'; id: number; result: Result<unknown> } | { t: 'state'; msg: StateMessage };

export interface WsBridgeOptions {
  readonly url: string;
  /** Opens a chart tab (browser mode has no window manager on the host). */
  readonly openChart?: (req: { instrumentId: string; timeframe: string; indicators?: readonly string[] }) => void;
  /** Opens (or focuses) the backtest chart tab at one trade of a run. */
  readonly openBacktestChart?: (req: { runId: string; trade: number }) => void;
  /** How long a call made before the socket opens waits for it (ms, default 10000). */
  readonly queueMs?: number;
}

interface Queued {
  readonly id: number;
  readonly frame: string;
  readonly resolve: (r: Result<unknown>) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

export function createWsBridge(opts: WsBridgeOptions): LibraBridge & { close(): void } {
  let ws: WebSocket | null = null;
  let nextId = 1;
  let closed = false;
  let unauthorized = false;
  let backoff = 250;
  const queueMs = opts.queueMs ?? 10_000;
  const pending = new Map<number, (r: Result<unknown>) => void>();
  const queue: Queued[] = [];
  const stateListeners = new Set<(m: StateMessage) => void>();
  const statusListeners = new Set<(s: ConnectionStatus) => void>();
  const setStatus = (s: ConnectionStatus): void => {
    for (const l of statusListeners) l(s);
  };

  const connect = (): void => {
    if (closed) return;
    setStatus('connecting');
    const sock = new WebSocket(opts.url);
    ws = sock;
    // 'open' is announced on the host's first frame (its snapshot), not on the handshake: a
    // socket the host is about to refuse for its token must never show as open.
    let announced = false;
    sock.onopen = () => {
      backoff = 250;
      for (const q of queue.splice(0)) {
        clearTimeout(q.timer);
        pending.set(q.id, q.resolve);
        sock.send(q.frame);
      }
    };
    sock.onmessage = (ev: MessageEvent<string>) => {
      if (!announced) {
        announced = true;
        setStatus('open');
      }
      const frame = JSON.parse(ev.data) as HostFrame;
      if (frame.t === 'state') for (const l of stateListeners) l(frame.msg);
      else {
        pending.get(frame.id)?.(frame.result);
        pending.delete(frame.id);
      }
    };
    // A failed attempt is followed by onclose, which reconnects; nothing more to do here.
    sock.onerror = () => undefined;
    sock.onclose = (ev: CloseEvent) => {
      if (ev.code === WS_CLOSE_UNAUTHORIZED) {
        // A wrong or expired token does not get better by retrying: say so and stop. The host
        // ran nothing on this socket, so calls sent on it are refused the same way.
        closed = true;
        unauthorized = true;
        const refused = [...pending.values()];
        pending.clear();
        for (const q of queue.splice(0)) {
          clearTimeout(q.timer);
          refused.push(q.resolve);
        }
        for (const resolve of refused) resolve(err(HostErrorCodes.forbidden, 'invalid or expired token'));
        setStatus('unauthorized');
        return;
      }
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
    if (unauthorized) return Promise.resolve(err(HostErrorCodes.forbidden, 'invalid or expired token'));
    if (closed) return Promise.resolve(err(HostErrorCodes.disconnected, 'not connected to the engine'));
    const id = nextId++;
    const frame = JSON.stringify({ t: 'call', id, channel, payload });
    return new Promise((resolve) => {
      if (ws && ws.readyState === WebSocket.OPEN) {
        pending.set(id, resolve);
        ws.send(frame);
        return;
      }
      const timer = setTimeout(() => {
        const i = queue.findIndex((q) => q.timer === timer);
        if (i >= 0) queue.splice(i, 1);
        resolve(err(HostErrorCodes.disconnected, `not connected to the engine (waited ${queueMs / 1000} s)`));
      }, queueMs);
      queue.push({ id, frame, resolve, timer });
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
      for (const q of queue.splice(0)) {
        clearTimeout(q.timer);
        q.resolve(err(HostErrorCodes.disconnected, 'connection closed'));
      }
      ws?.close();
    },
  };
}
