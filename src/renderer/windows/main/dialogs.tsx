/**
 * Modal overlays of the main window: a confirmation (PANIC asks before it cancels and flattens)
 * and the hotkey help. Both are role="dialog" with a name, take the focus (Cancel first: the safe
 * answer), and close on Escape.
 */
import { useEffect, useId, useRef } from 'react';
import type { KeyboardEvent, ReactNode } from 'react';
import { HOTKEYS } from './hotkeys';

function Modal({ title, onClose, children, testId }: { title: string; onClose: () => void; children: ReactNode; testId: string }) {
  const titleId = useId();
  const onKey = (e: KeyboardEvent<HTMLDivElement>): void => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      onClose();
    }
  };
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="modal panel" role="dialog" aria-modal="true" aria-labelledby={titleId} onKeyDown={onKey} data-testid={testId}>
        <h2 id={titleId}>{title}</h2>
        {children}
      </div>
    </div>
  );
}

export function ConfirmDialog({ title, message, confirmLabel, onConfirm, onCancel }: { title: string; message: string; confirmLabel: string; onConfirm: () => void; onCancel: () => void }) {
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => cancel.current?.focus(), []);
  return (
    <Modal title={title} onClose={onCancel} testId="confirm-dialog">
      <p>{message}</p>
      <div className="modal-actions">
        <button type="button" ref={cancel} onClick={onCancel}>Cancel</button>
        <button type="button" className="panic" onClick={onConfirm}>{confirmLabel}</button>
      </div>
    </Modal>
  );
}

export function HotkeyHelp({ onClose }: { onClose: () => void }) {
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => close.current?.focus(), []);
  return (
    <Modal title="Keyboard shortcuts" onClose={onClose} testId="hotkey-help">
      <p className="muted">Hotkeys do nothing while you type in a field. Orders go through the same risk gate as the ticket.</p>
      <table>
        <tbody>
          {HOTKEYS.map((h) => (
            <tr key={h.action}>
              <td><kbd>{h.label}</kbd></td>
              <td>{h.description}</td>
            </tr>
          ))}
          <tr><td><kbd>↑</kbd> <kbd>↓</kbd> <kbd>Enter</kbd></td><td>In a table row: move between rows; select its symbol (Delete cancels a working order)</td></tr>
          <tr><td><kbd>Esc</kbd></td><td>Close a dialog</td></tr>
        </tbody>
      </table>
      <div className="modal-actions">
        <button type="button" ref={close} onClick={onClose}>Close</button>
      </div>
    </Modal>
  );
}
