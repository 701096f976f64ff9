/**
 * Keyboard access to table rows: a row is focusable (tabIndex 0), ArrowUp/ArrowDown move the
 * focus to the neighbouring row, Enter runs the row's action (and Delete its second one, e.g.
 * cancel an order).
 */
import type { KeyboardEvent } from 'react';

export function rowKeys(onEnter?: () => void, onDelete?: () => void) {
  return {
    tabIndex: 0,
    onKeyDown: (e: KeyboardEvent<HTMLTableRowElement>): void => {
      const row = e.currentTarget;
      const move = (to: Element | null): void => {
        if (to instanceof HTMLElement) {
          e.preventDefault();
          to.focus();
        }
      };
      if (e.target !== row) return; // a button inside the row keeps its own keys
      if (e.key === 'ArrowDown') move(row.nextElementSibling);
      else if (e.key === 'ArrowUp') move(row.previousElementSibling);
      else if (e.key === 'Enter' && onEnter) {
        e.preventDefault();
        onEnter();
      } else if ((e.key === 'Delete' || e.key === 'Backspace') && onDelete) {
        e.preventDefault();
        onDelete();
      }
    },
  };
}
