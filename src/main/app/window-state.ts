/**
 * Remembered windows: kind, display, bounds and (for charts) symbol/timeframe/indicators, kept
 * as JSON in the data folder. `placeOnDisplays` is the pure rule used at restore: a window goes
 * back where it was when that display still exists and the window would still be visible on
 * it; otherwise it is moved onto the primary display (clamped to its work area, centred).
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface DisplayInfo {
  readonly id: number;
  readonly workArea: Rect;
}

export interface WindowRecord {
  readonly id: string;
  readonly kind: 'main' | 'chart';
  readonly displayId: number | null;
  readonly bounds: Rect;
  readonly maximized?: boolean;
  readonly instrumentId?: string;
  readonly timeframe?: string;
  readonly indicators?: readonly string[];
}

export interface WindowStateFile {
  readonly version: 1;
  readonly windows: readonly WindowRecord[];
}

/** Minimum visible overlap (px) for a window to count as "still on" a display. */
const MIN_VISIBLE = 64;

function overlap(a: Rect, b: Rect): { w: number; h: number } {
  return {
    w: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x),
    h: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y),
  };
}

export function placeOnDisplays(record: Pick<WindowRecord, 'bounds' | 'displayId'>, displays: readonly DisplayInfo[], primary: DisplayInfo): { bounds: Rect; displayId: number } {
  const same = displays.find((d) => d.id === record.displayId);
  if (same) {
    const o = overlap(record.bounds, same.workArea);
    if (o.w >= MIN_VISIBLE && o.h >= MIN_VISIBLE) return { bounds: record.bounds, displayId: same.id };
  }
  const wa = primary.workArea;
  const width = Math.min(record.bounds.width, wa.width);
  const height = Math.min(record.bounds.height, wa.height);
  return {
    displayId: primary.id,
    bounds: { x: wa.x + Math.round((wa.width - width) / 2), y: wa.y + Math.round((wa.height - height) / 2), width, height },
  };
}

/**
 * Brings a chart record in line with what its window shows now: the chart window keeps its
 * symbol and timeframe in its page URL (`?instrument=…&timeframe=…`, updated in place when the
 * user switches), so the window manager passes `webContents.getURL()` here when it remembers a
 * window. Other records, and URLs without those parameters, come back unchanged.
 */
export function syncChartRecord(record: WindowRecord, pageUrl: string): WindowRecord {
  if (record.kind !== 'chart') return record;
  let query: URLSearchParams;
  try {
    query = new URL(pageUrl).searchParams;
  } catch {
    return record;
  }
  const instrumentId = query.get('instrument');
  const timeframe = query.get('timeframe');
  const valid = (v: string | null, re: RegExp): v is string => v !== null && v.length <= 128 && re.test(v);
  let next = record;
  if (valid(instrumentId, /^\S+$/) && instrumentId !== record.instrumentId) next = { ...next, instrumentId };
  if (valid(timeframe, /^\d{1,4}[smhdw]$/) && timeframe !== record.timeframe) next = { ...next, timeframe };
  return next;
}

export function windowStateFile(dataDir: string): string {
  return join(dataDir, 'windows.json');
}

export function loadWindowState(file: string): WindowRecord[] {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<WindowStateFile>;
    return Array.isArray(parsed.windows) ? parsed.windows.filter((w) => (w.kind === 'main' || w.kind === 'chart') && typeof w.bounds?.width === 'number') : [];
  } catch {
    return [];
  }
}

export function saveWindowState(file: string, windows: readonly WindowRecord[]): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify({ version: 1, windows } satisfies WindowStateFile, null, 2));
  renameSync(tmp, file);
}
