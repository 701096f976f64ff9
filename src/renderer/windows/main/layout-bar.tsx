/**
 * The top bar's layout controls: the chart grid (1, 2 side by side, 2×2) and the layout menu —
 * save the current layout under a name, load or delete a saved one, reset to the default.
 */
import { useEffect, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { GRID_SIZES } from './layout';
import type { GridSize } from './layout';
import type { LayoutControls } from './use-layout';

const GRID_LABELS: Readonly<Record<GridSize, string>> = { 1: '1 chart', 2: '2 charts', 4: '2×2 charts' };
const GRID_ICONS: Readonly<Record<GridSize, string>> = { 1: '▣', 2: '◫', 4: '⊞' };

export function LayoutBar({ controls }: { controls: LayoutControls }) {
  const { layout, update } = controls;
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [said, setSaid] = useState<string | null>(null);
  const ref = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent): void => {
      if (!ref.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [open]);
  const save = (e: FormEvent): void => {
    e.preventDefault();
    if (controls.saveAs(name)) {
      setSaid(`saved “${name.trim()}”`);
      setName('');
    } else setSaid('a name of 1 to 40 characters, please');
  };
  return (
    <span className="layout-bar" ref={ref}>
      <span className="seg tf" role="group" aria-label="Chart grid">
        {GRID_SIZES.map((g) => (
          <button key={g} type="button" className={layout.grid === g ? 'active' : ''} aria-pressed={layout.grid === g} aria-label={GRID_LABELS[g]} title={GRID_LABELS[g]} onClick={() => update((l) => ({ ...l, grid: g }))}>
            {GRID_ICONS[g]}
          </button>
        ))}
      </span>
      <button type="button" className="small" aria-haspopup="dialog" aria-expanded={open} onClick={() => setOpen((o) => !o)} data-testid="layout-menu">
        Layout ▾
      </button>
      {open ? (
        <div className="layout-menu panel" role="dialog" aria-label="Layouts" onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}>
          <form onSubmit={save} className="inline-form">
            <label>Save as <input value={name} onChange={(e) => setName(e.target.value)} maxLength={40} aria-label="Layout name" /></label>
            <button type="submit" className="small">Save</button>
          </form>
          {said ? <p className="muted" role="status">{said}</p> : null}
          {controls.names.length === 0 ? <p className="muted">No saved layouts yet.</p> : null}
          <ul className="layout-list">
            {controls.names.map((n) => (
              <li key={n}>
                <button type="button" className="small" onClick={() => { controls.load(n); setOpen(false); }} aria-label={`Load layout ${n}`}>{n}</button>
                <button type="button" className="small" onClick={() => controls.remove(n)} aria-label={`Delete layout ${n}`}>✕</button>
              </li>
            ))}
          </ul>
          <button type="button" className="small" onClick={() => { controls.reset(); setOpen(false); }}>Reset to default</button>
        </div>
      ) : null}
    </span>
  );
}
