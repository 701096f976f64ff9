import { useEffect, useRef, useState } from 'react';
import { useDispatch, useSelector, useStore } from 'react-redux';
import type { AppDispatch, AppStore, RootState } from './store';
import { throttleGroup } from './throttle';

export const useAppDispatch = useDispatch.withTypes<AppDispatch>();
export const useAppSelector = useSelector.withTypes<RootState>();
export const useAppStore = useStore.withTypes<AppStore>();

/** The window's throttled selectors, one clock per interval (see throttleGroup). */
const groups = new Map<number, ReturnType<typeof throttleGroup>>();
function groupOf(intervalMs: number): ReturnType<typeof throttleGroup> {
  let g = groups.get(intervalMs);
  if (!g) groups.set(intervalMs, (g = throttleGroup(intervalMs)));
  return g;
}

/**
 * `useAppSelector` that re-renders at most once per `intervalMs` (the first change at once, the
 * last change of a burst always: see throttleLatest). For panels fed faster than anyone reads —
 * the order book at 1 000 updates/s — where redrawing every frame costs the main thread more than
 * it shows. `selector` runs on each store change (keep it a lookup). A change of `key` (the
 * instrument) shows that key's value at once. Every throttled selector of the window with the same
 * interval redraws in the same flush (one render, one layout for the book and the tape).
 */
export function useThrottledAppSelector<T>(selector: (s: RootState) => T, intervalMs: number, key: string): T {
  const store = useAppStore();
  const pick = useRef(selector);
  pick.current = selector;
  const [shown, setShown] = useState<{ key: string; value: T }>(() => ({ key, value: selector(store.getState()) }));
  useEffect(() => {
    let current = pick.current(store.getState());
    setShown((s) => (s.key === key && Object.is(s.value, current) ? s : { key, value: current }));
    const th = groupOf(intervalMs).channel<T>((value) => setShown({ key, value }));
    const unsubscribe = store.subscribe(() => {
      const next = pick.current(store.getState());
      if (Object.is(next, current)) return;
      current = next;
      th.push(next);
    });
    return () => {
      unsubscribe();
      th.dispose();
    };
  }, [store, intervalMs, key]);
  // Between a change of key and the effect: the new key's value, never the old one's.
  return shown.key === key ? shown.value : selector(store.getState());
}
