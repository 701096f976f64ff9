/**
 * The main window's layout as data: which panel sits in which dock area (and in what order), the
 * splitter sizes, the chart grid (1, 2 side by side, 2×2) and each grid cell's symbol. Pure: the
 * storage hook (use-layout.ts) reads and writes it as JSON in localStorage. Stored data is
 * outside input: `parseLayout` never throws — anything it cannot use falls back to the default,
 * piece by piece (a bad size keeps the good areas), and every panel ends up exactly once.
 */

export const PANEL_IDS = ['watchlist', 'ticket', 'balances', 'positions', 'orders', 'book', 'tape', 'risk', 'alerts', 'agents', 'backtest', 'strategies'] as const;
export type PanelId = (typeof PANEL_IDS)[number];

/** Dock areas around the chart grid (the centre always holds the charts). */
export const DOCK_AREAS = ['left', 'right', 'bottom', 'lower'] as const;
export type DockArea = (typeof DOCK_AREAS)[number];

export const AREA_NAMES: Readonly<Record<DockArea, string>> = { left: 'Left', right: 'Right', bottom: 'Under the chart', lower: 'Research (below)' };

export const PANEL_NAMES: Readonly<Record<PanelId, string>> = {
  watchlist: 'Watchlist',
  ticket: 'Order ticket',
  balances: 'Balances',
  positions: 'Positions',
  orders: 'Orders',
  book: 'Order book',
  tape: 'Trades',
  risk: 'Risk',
  alerts: 'Alerts',
  agents: 'Agents',
  backtest: 'Backtest',
  strategies: 'Strategies',
};

export const GRID_SIZES = [1, 2, 4] as const;
export type GridSize = (typeof GRID_SIZES)[number];

export interface LayoutSizes {
  /** Width of the left column, px. */
  readonly left: number;
  /** Width of the right column, px. */
  readonly right: number;
  /** Height of the area under the chart, px. */
  readonly bottom: number;
}

export interface Layout {
  readonly areas: Readonly<Record<DockArea, readonly PanelId[]>>;
  readonly sizes: LayoutSizes;
  readonly grid: GridSize;
  /** Instrument id per chart cell beyond the first (the first follows the watchlist); null: the next symbol. */
  readonly charts: readonly (string | null)[];
}

/** Splitter limits, px: the centre keeps at least MIN_CENTRE_WIDTH whatever the sides ask. */
export const SIZE_LIMITS: Readonly<Record<keyof LayoutSizes, { min: number; max: number }>> = {
  left: { min: 200, max: 900 },
  right: { min: 180, max: 900 },
  bottom: { min: 90, max: 900 },
};
export const MIN_CENTRE_WIDTH = 420;
export const MIN_CHART_HEIGHT = 240;

export const DEFAULT_LAYOUT: Layout = {
  areas: {
    left: ['watchlist', 'ticket', 'balances'],
    right: ['book', 'tape', 'risk', 'alerts', 'agents'],
    bottom: ['positions', 'orders'],
    lower: ['backtest', 'strategies'],
  },
  sizes: { left: 270, right: 250, bottom: 190 },
  grid: 1,
  charts: [null, null, null],
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isPanel = (v: unknown): v is PanelId => typeof v === 'string' && (PANEL_IDS as readonly string[]).includes(v);
const defaultAreaOf = (p: PanelId): DockArea => DOCK_AREAS.find((a) => DEFAULT_LAYOUT.areas[a].includes(p)) ?? 'lower';

export const clampSize = (key: keyof LayoutSizes, v: number): number => Math.round(Math.min(SIZE_LIMITS[key].max, Math.max(SIZE_LIMITS[key].min, v)));

function parseAreas(raw: unknown): Layout['areas'] {
  if (!isRecord(raw)) return DEFAULT_LAYOUT.areas;
  const seen = new Set<PanelId>();
  const out: Record<DockArea, PanelId[]> = { left: [], right: [], bottom: [], lower: [] };
  for (const area of DOCK_AREAS) {
    const list = raw[area];
    if (!Array.isArray(list)) continue;
    for (const p of list) {
      if (isPanel(p) && !seen.has(p)) {
        seen.add(p);
        out[area].push(p);
      }
    }
  }
  // A panel the stored layout lost (or one added in a later version) goes back to its default area.
  for (const p of PANEL_IDS) if (!seen.has(p)) out[defaultAreaOf(p)].push(p);
  return out;
}

function parseSizes(raw: unknown): LayoutSizes {
  const d = DEFAULT_LAYOUT.sizes;
  if (!isRecord(raw)) return d;
  const one = (key: keyof LayoutSizes): number => {
    const v = raw[key];
    return typeof v === 'number' && Number.isFinite(v) ? clampSize(key, v) : d[key];
  };
  return { left: one('left'), right: one('right'), bottom: one('bottom') };
}

function parseCharts(raw: unknown): Layout['charts'] {
  if (!Array.isArray(raw)) return DEFAULT_LAYOUT.charts;
  return DEFAULT_LAYOUT.charts.map((_, i) => {
    const v: unknown = raw[i];
    return typeof v === 'string' && v.length > 0 && v.length <= 200 ? v : null;
  });
}

/** A layout from stored JSON text (or an already parsed value); the default for anything unusable. */
export function parseLayout(raw: unknown): Layout {
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return DEFAULT_LAYOUT;
    }
  }
  if (!isRecord(value)) return DEFAULT_LAYOUT;
  const grid = GRID_SIZES.find((g) => g === value.grid) ?? DEFAULT_LAYOUT.grid;
  return { areas: parseAreas(value.areas), sizes: parseSizes(value.sizes), grid, charts: parseCharts(value.charts) };
}

export const serializeLayout = (l: Layout): string => JSON.stringify(l);

/** Named layouts ("save as…"): a name → layout map; bad entries are dropped, never thrown. */
export function parseNamedLayouts(raw: string | null): Readonly<Record<string, Layout>> {
  if (raw === null) return {};
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return {};
  }
  if (!isRecord(value)) return {};
  const out: Record<string, Layout> = {};
  for (const [name, l] of Object.entries(value)) if (validLayoutName(name) && isRecord(l)) out[name] = parseLayout(l);
  return out;
}

export const validLayoutName = (name: string): boolean => name.trim().length > 0 && name.length <= 40;

/** Moves a panel to the end of another area (or up/down inside its own by `offset`). */
export function movePanel(l: Layout, panel: PanelId, to: DockArea): Layout {
  const areas = Object.fromEntries(DOCK_AREAS.map((a) => [a, l.areas[a].filter((p) => p !== panel)])) as Record<DockArea, PanelId[]>;
  areas[to].push(panel);
  return { ...l, areas };
}

export function shiftPanel(l: Layout, panel: PanelId, offset: -1 | 1): Layout {
  const area = DOCK_AREAS.find((a) => l.areas[a].includes(panel));
  if (!area) return l;
  const list = [...l.areas[area]];
  const i = list.indexOf(panel);
  const j = i + offset;
  if (j < 0 || j >= list.length) return l;
  [list[i], list[j]] = [list[j] as PanelId, list[i] as PanelId];
  return { ...l, areas: { ...l.areas, [area]: list } };
}

export const areaOf = (l: Layout, panel: PanelId): DockArea => DOCK_AREAS.find((a) => l.areas[a].includes(panel)) ?? defaultAreaOf(panel);

/** Sizes that fit a window: the sides shrink (right first) so the centre keeps MIN_CENTRE_WIDTH. */
export function fitSizes(s: LayoutSizes, width: number, height: number, hasLeft: boolean, hasRight: boolean): LayoutSizes {
  let left = hasLeft ? s.left : 0;
  let right = hasRight ? s.right : 0;
  const spare = width - MIN_CENTRE_WIDTH - 24;
  if (left + right > spare) {
    right = Math.max(hasRight ? SIZE_LIMITS.right.min : 0, spare - left);
    left = Math.max(hasLeft ? SIZE_LIMITS.left.min : 0, spare - right);
  }
  const bottom = Math.max(SIZE_LIMITS.bottom.min, Math.min(s.bottom, height - MIN_CHART_HEIGHT));
  return { left, right, bottom };
}
