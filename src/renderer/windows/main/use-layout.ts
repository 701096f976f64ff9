/**
 * The main window's layout in localStorage: the current one under a key per host and session
 * (a layout for the paper replay is not the one for a live session), plus named layouts shared by
 * the sessions of this host. Reads go through parseLayout (bad data: the default, never a crash);
 * a storage that throws (quota, disabled) only loses persistence.
 */
import { useCallback, useEffect, useState } from 'react';
import { DEFAULT_LAYOUT, parseLayout, parseNamedLayouts, serializeLayout, validLayoutName } from './layout';
import type { Layout } from './layout';

export const layoutKey = (host: string, session: string): string => `libra.layout.v1|${host}|${session}`;
export const namedLayoutsKey = (host: string): string => `libra.layouts.v1|${host}`;

function read(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function write(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Persistence is a convenience: the layout still works for this page.
  }
}

export interface LayoutControls {
  readonly layout: Layout;
  update(change: (l: Layout) => Layout): void;
  readonly names: readonly string[];
  saveAs(name: string): boolean;
  load(name: string): void;
  remove(name: string): void;
  reset(): void;
}

export function useLayout(session: string): LayoutControls {
  const host = location.host;
  const key = layoutKey(host, session);
  const [layout, setLayout] = useState<Layout>(() => parseLayout(read(key) ?? 'null'));
  const [named, setNamed] = useState(() => parseNamedLayouts(read(namedLayoutsKey(host))));
  // The session's label arrives with the snapshot: switch to that session's layout then.
  useEffect(() => setLayout(parseLayout(read(key) ?? 'null')), [key]);

  const update = useCallback(
    (change: (l: Layout) => Layout) =>
      setLayout((prev) => {
        const next = change(prev);
        write(key, serializeLayout(next));
        return next;
      }),
    [key],
  );
  const saveNamed = (next: Readonly<Record<string, Layout>>): void => {
    setNamed(next);
    write(namedLayoutsKey(host), JSON.stringify(next));
  };
  return {
    layout,
    update,
    names: Object.keys(named).sort(),
    saveAs: (name) => {
      const n = name.trim();
      if (!validLayoutName(n)) return false;
      saveNamed({ ...named, [n]: layout });
      return true;
    },
    load: (name) => {
      const l = named[name];
      if (l) update(() => l);
    },
    remove: (name) => {
      const { [name]: _gone, ...rest } = named;
      saveNamed(rest);
    },
    reset: () => update(() => DEFAULT_LAYOUT),
  };
}
