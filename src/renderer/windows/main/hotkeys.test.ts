import { describe, expect, it } from 'vitest';
import { HOTKEYS, hotkeyOf } from './hotkeys';
import type { KeyLike } from './hotkeys';

const press = (key: string, over: Partial<KeyLike> = {}): KeyLike => ({ key, ctrlKey: false, metaKey: false, altKey: false, repeat: false, target: { tagName: 'BODY' }, ...over });

describe('hotkeys', () => {
  it('maps each listed key to its action', () => {
    for (const h of HOTKEYS) for (const k of h.keys) expect(hotkeyOf(press(k))).toBe(h.action);
    expect(hotkeyOf(press('C'))).toBe('cancelAll');
    expect(hotkeyOf(press('c'))).toBe('cancelLast');
  });

  it('does nothing while typing in an input, a select, a text area or an editable element', () => {
    for (const tagName of ['INPUT', 'TEXTAREA', 'SELECT']) expect(hotkeyOf(press('b', { target: { tagName } }))).toBeNull();
    expect(hotkeyOf(press('b', { target: { tagName: 'DIV', isContentEditable: true } }))).toBeNull();
  });

  it('leaves Ctrl, Cmd and Alt combinations and auto-repeat alone', () => {
    expect(hotkeyOf(press('b', { ctrlKey: true }))).toBeNull();
    expect(hotkeyOf(press('s', { metaKey: true }))).toBeNull();
    expect(hotkeyOf(press('x', { altKey: true }))).toBeNull();
    expect(hotkeyOf(press('b', { repeat: true }))).toBeNull();
    expect(hotkeyOf(press('q'))).toBeNull();
  });
});
