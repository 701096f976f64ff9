/**
 * The main window's hotkeys: one table (the help overlay lists it, the handler reads it), and
 * the rule that a key typed into a field is text, never a command.
 */

export type HotkeyAction = 'buy' | 'sell' | 'cancelLast' | 'cancelAll' | 'closePosition' | 'nextSymbol' | 'prevSymbol' | 'help';

export interface Hotkey {
  readonly action: HotkeyAction;
  /** KeyboardEvent.key values (case matters: "C" is Shift+c). */
  readonly keys: readonly string[];
  /** How the help overlay shows it. */
  readonly label: string;
  readonly description: string;
}

export const HOTKEYS: readonly Hotkey[] = [
  { action: 'buy', keys: ['b'], label: 'B', description: "Buy the ticket's quantity at the touch (limit IOC at the best ask; market when there is no order book)" },
  { action: 'sell', keys: ['s'], label: 'S', description: "Sell the ticket's quantity at the touch (limit IOC at the best bid; market when there is no order book)" },
  { action: 'cancelLast', keys: ['c'], label: 'C', description: 'Cancel the last working order' },
  { action: 'cancelAll', keys: ['C'], label: 'Shift+C', description: 'Cancel all working orders' },
  { action: 'closePosition', keys: ['x'], label: 'X', description: 'Close the position of the selected symbol (market, reduce-only)' },
  { action: 'nextSymbol', keys: [']'], label: ']', description: 'Next symbol in the watchlist' },
  { action: 'prevSymbol', keys: ['['], label: '[', description: 'Previous symbol in the watchlist' },
  { action: 'help', keys: ['?'], label: '?', description: 'Show or hide this list' },
];

const BY_KEY = new Map(HOTKEYS.flatMap((h) => h.keys.map((k) => [k, h.action] as const)));

/** The minimal event shape (a DOM KeyboardEvent fits), so the rule is testable without a DOM. */
export interface KeyLike {
  readonly key: string;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly altKey: boolean;
  readonly repeat: boolean;
  readonly target: { readonly tagName?: string; readonly isContentEditable?: boolean } | null;
}

const TYPING_TAGS = new Set(['INPUT', 'TEXTAREA', 'SELECT']);

export const isTyping = (target: KeyLike['target']): boolean => target !== null && (TYPING_TAGS.has(target.tagName ?? '') || target.isContentEditable === true);

/** The action of a key press, or null: none while typing, with Ctrl/Cmd/Alt (the menus' shortcuts) or on auto-repeat. */
export function hotkeyOf(e: KeyLike): HotkeyAction | null {
  if (e.ctrlKey || e.metaKey || e.altKey || e.repeat || isTyping(e.target)) return null;
  return BY_KEY.get(e.key) ?? null;
}
