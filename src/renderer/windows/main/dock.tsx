/**
 * Docking pieces of the main window: a frame around each panel with a menu that moves it to
 * another dock area (or up/down in its own), and splitters that resize the areas by pointer drag
 * or arrow keys (role="separator", so a keyboard and a screen reader reach them too).
 */
import { useEffect, useRef, useState } from 'react';
import type { KeyboardEvent, PointerEvent, ReactNode } from 'react';
import { AREA_NAMES, DOCK_AREAS, PANEL_NAMES } from './layout';
import type { DockArea, PanelId } from './layout';

export function DockFrame({ panel, area, onMove, onShift, children }: { panel: PanelId; area: DockArea; onMove: (to: DockArea) => void; onShift: (by: -1 | 1) => void; children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent): void => {
      if (!ref.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [open]);
  const name = PANEL_NAMES[panel];
  const act = (f: () => void) => () => {
    f();
    setOpen(false);
  };
  const onMenuKey = (e: KeyboardEvent<HTMLDivElement>): void => {
    if (e.key === 'Escape') setOpen(false);
  };
  return (
    <div className="dock-frame" data-panel={panel} data-area={area}>
      <div className="dock-menu" ref={ref} onKeyDown={onMenuKey}>
        <button type="button" className="dock-menu-button" aria-haspopup="menu" aria-expanded={open} aria-label={`${name} panel menu`} title={`Move ${name}`} onClick={() => setOpen((o) => !o)}>
          ⋮
        </button>
        {open ? (
          <div role="menu" aria-label={`Move ${name}`} className="dock-menu-list">
            {DOCK_AREAS.filter((a) => a !== area).map((a) => (
              <button key={a} type="button" role="menuitem" onClick={act(() => onMove(a))}>
                Move to {AREA_NAMES[a]}
              </button>
            ))}
            <button type="button" role="menuitem" onClick={act(() => onShift(-1))}>Move up / left</button>
            <button type="button" role="menuitem" onClick={act(() => onShift(1))}>Move down / right</button>
          </div>
        ) : null}
      </div>
      {children}
    </div>
  );
}

/**
 * A splitter: dragging changes `value` by the pointer's travel (`sign` -1 when growing the area
 * means moving left/up, as for the right column and the area under the chart).
 */
export function Splitter({ label, orientation, value, sign, onChange }: { label: string; orientation: 'vertical' | 'horizontal'; value: number; sign: 1 | -1; onChange: (v: number) => void }) {
  const start = useRef<{ pos: number; value: number } | null>(null);
  const pos = (e: PointerEvent): number => (orientation === 'vertical' ? e.clientX : e.clientY);
  const onDown = (e: PointerEvent<HTMLDivElement>): void => {
    e.preventDefault();
    e.currentTarget.setPointerCapture(e.pointerId);
    start.current = { pos: pos(e), value };
  };
  const onMoveP = (e: PointerEvent<HTMLDivElement>): void => {
    const s = start.current;
    if (s) onChange(s.value + sign * (pos(e) - s.pos));
  };
  const onUp = (e: PointerEvent<HTMLDivElement>): void => {
    start.current = null;
    if (e.currentTarget.hasPointerCapture(e.pointerId)) e.currentTarget.releasePointerCapture(e.pointerId);
  };
  const onKey = (e: KeyboardEvent<HTMLDivElement>): void => {
    const step = e.shiftKey ? 50 : 10;
    const [more, less] = orientation === 'vertical' ? ['ArrowRight', 'ArrowLeft'] : ['ArrowDown', 'ArrowUp'];
    const d = e.key === more ? sign : e.key === less ? -sign : 0;
    if (d === 0) return;
    e.preventDefault();
    onChange(value + d * step);
  };
  return (
    <div
      className={`splitter splitter-${orientation}`}
      role="separator"
      aria-orientation={orientation}
      aria-label={label}
      aria-valuenow={Math.round(value)}
      tabIndex={0}
      onPointerDown={onDown}
      onPointerMove={onMoveP}
      onPointerUp={onUp}
      onPointerCancel={onUp}
      onKeyDown={onKey}
    />
  );
}
