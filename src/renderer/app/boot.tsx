/** Shared window bootstrap: store, transport, listeners, React root. */
import type { ReactNode } from 'react';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Provider } from 'react-redux';
import { BridgeContext } from './bridge-context';
import { getBridge } from './bridge';
import { startListeners } from './listeners';
import { makeStore } from './store';
import type { AppStore } from './store';

export function boot(render: () => ReactNode): AppStore {
  const store = makeStore();
  const bridge = getBridge();
  startListeners(bridge, store.dispatch);
  const el = document.getElementById('root');
  if (!el) throw new Error('no #root element');
  createRoot(el).render(
    <StrictMode>
      <Provider store={store}>
        <BridgeContext.Provider value={bridge}>{render()}</BridgeContext.Provider>
      </Provider>
    </StrictMode>,
  );
  return store;
}
