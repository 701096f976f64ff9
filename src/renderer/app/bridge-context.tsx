/** The transport, given to components through context (tests pass a fake). */
import { createContext, useContext } from 'react';
import type { LibraBridge } from '../../shared/ipc/state-stream';

export const BridgeContext = createContext<LibraBridge | null>(null);

export function useBridge(): LibraBridge {
  const b = useContext(BridgeContext);
  if (!b) throw new Error('useBridge outside <BridgeContext.Provider>');
  return b;
}
