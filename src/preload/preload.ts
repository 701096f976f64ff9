/**
 * The preload: exposes `window.libra`, built from the IPC contract and nothing else — typed
 * service calls over ipcRenderer.invoke, and the state stream over the MessagePort main hands
 * to this window. No raw ipcRenderer reaches the page.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createServiceClient, STATE_CHANNEL } from '../shared/ipc/contract';
import type { Result } from '../shared/ipc/result';
import type { LibraBridge, StateMessage } from '../shared/ipc/state-stream';

const listeners = new Set<(msg: StateMessage) => void>();
let port: MessagePort | null = null;

ipcRenderer.on(STATE_CHANNEL, (event) => {
  port?.close();
  port = event.ports[0] ?? null;
  if (!port) return;
  port.onmessage = (e: MessageEvent<StateMessage>) => {
    for (const l of listeners) l(e.data);
  };
  port.start();
});

const services = createServiceClient((channel, payload) => ipcRenderer.invoke(channel, payload) as Promise<Result<unknown>>);

const bridge: LibraBridge = {
  ...services,
  transport: 'electron',
  state: {
    subscribe(listener) {
      listeners.add(listener);
      // The first snapshot may have arrived before the page subscribed: ask for a fresh one.
      port?.postMessage({ t: 'resync' });
      return () => listeners.delete(listener);
    },
    resync() {
      port?.postMessage({ t: 'resync' });
    },
  },
};

contextBridge.exposeInMainWorld('libra', bridge);
