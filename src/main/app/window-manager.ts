/**
 * The window manager — the only BrowserWindow maker. One main window and N chart windows; each
 * remembers display, bounds and (charts) symbol/timeframe/indicators in windows.json in the
 * data folder, restored on the primary display when its monitor is gone. Every window is
 * sandboxed with context isolation, no Node, and may neither navigate nor open windows.
 */
import { BrowserWindow, MessageChannelMain, screen, shell } from 'electron';
import type { Rectangle } from 'electron';
import { join } from 'node:path';
import type { EngineHost } from '../host/engine-host';
import { attachStatePort } from '../host/ipc/ipc-host';
import { isTrustedSender } from '../host/ipc/sender';
import type { TrustedOrigins } from '../host/ipc/sender';
import type { WindowRecord } from './window-state';
import { loadWindowState, placeOnDisplays, saveWindowState, syncChartRecord, windowStateFile } from './window-state';

export interface ChartSpec {
  readonly instrumentId: string;
  readonly timeframe: string;
  readonly indicators?: readonly string[];
}

export interface WindowManagerOptions {
  readonly host: EngineHost;
  readonly dataDir: string;
  readonly preload: string;
  readonly trusted: TrustedOrigins;
  /** Window icon (resources/icons/libra.png). */
  readonly icon?: string;
}

export class WindowManager {
  private readonly windows = new Map<string, { win: BrowserWindow; record: WindowRecord }>();
  private readonly file: string;
  private seq = 0;
  private quitting = false;

  constructor(private readonly opts: WindowManagerOptions) {
    this.file = windowStateFile(opts.dataDir);
  }

  /** Opens the main window and the chart windows of the last session. */
  restore(): void {
    const saved = loadWindowState(this.file);
    const main = saved.find((w) => w.kind === 'main');
    this.open(main ?? { id: 'main', kind: 'main', displayId: null, bounds: { x: 0, y: 0, width: 1400, height: 900 } });
    for (const w of saved) if (w.kind === 'chart') this.open(w);
  }

  get main(): BrowserWindow | undefined {
    return this.windows.get('main')?.win;
  }

  showMain(): void {
    const w = this.main;
    if (!w) return this.restore();
    if (w.isMinimized()) w.restore();
    w.show();
    w.focus();
  }

  openChart(spec: ChartSpec): boolean {
    const bounds = this.main?.getBounds() ?? { x: 0, y: 0, width: 1100, height: 700 };
    this.open({
      id: `chart-${Date.now()}-${++this.seq}`,
      kind: 'chart',
      displayId: screen.getDisplayMatching(bounds).id,
      bounds: { x: bounds.x + 40, y: bounds.y + 40, width: 1100, height: 700 },
      instrumentId: spec.instrumentId,
      timeframe: spec.timeframe,
      ...(spec.indicators ? { indicators: spec.indicators } : {}),
    });
    return true;
  }

  /** Call on before-quit: windows closing after this are remembered, not forgotten. */
  markQuitting(): void {
    this.quitting = true;
    this.persist();
  }

  private open(record: WindowRecord): BrowserWindow {
    const displays = screen.getAllDisplays().map((d) => ({ id: d.id, workArea: d.workArea }));
    const primary = screen.getPrimaryDisplay();
    const placed = placeOnDisplays(record, displays, { id: primary.id, workArea: primary.workArea });
    const win = new BrowserWindow({
      ...placed.bounds,
      show: false,
      title: record.kind === 'main' ? 'LIBRA' : `${record.instrumentId ?? ''} ${record.timeframe ?? ''} — LIBRA`,
      backgroundColor: '#0b0f14',
      ...(this.opts.icon ? { icon: this.opts.icon } : {}),
      webPreferences: {
        preload: this.opts.preload,
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInSubFrames: false,
        webviewTag: false,
        spellcheck: false,
      },
    });
    const entry = { win, record: { ...record, displayId: placed.displayId, bounds: placed.bounds } };
    this.windows.set(record.id, entry);
    if (record.maximized) win.maximize();
    this.lockDown(win);
    win.webContents.on('did-finish-load', () => attachStatePort(this.opts.host, win.webContents, () => new MessageChannelMain()));
    win.once('ready-to-show', () => win.show());
    const remember = (): void => {
      if (win.isDestroyed()) return;
      const b: Rectangle = win.getNormalBounds();
      // A chart window keeps its symbol/timeframe in its URL: fold them into what is remembered.
      const synced = syncChartRecord(entry.record, win.webContents.getURL());
      entry.record = { ...synced, bounds: b, displayId: screen.getDisplayMatching(b).id, maximized: win.isMaximized() };
      this.persist();
    };
    win.on('moved', remember);
    win.on('resized', remember);
    win.on('close', remember);
    win.webContents.on('did-navigate-in-page', remember);
    win.on('closed', () => {
      if (!this.quitting) this.windows.delete(record.id);
      this.persist();
    });
    void this.load(win, record);
    return win;
  }

  private load(win: BrowserWindow, record: WindowRecord): Promise<void> {
    const page = record.kind === 'main' ? 'windows/main/main.html' : 'windows/chart/chart.html';
    const query: Record<string, string> = {};
    if (record.kind === 'chart') {
      if (record.instrumentId) query.instrument = record.instrumentId;
      if (record.timeframe) query.timeframe = record.timeframe;
      if (record.indicators?.length) query.indicators = record.indicators.join(',');
    }
    const dev = this.opts.trusted.devServerUrl;
    if (dev) {
      const url = new URL(page, dev.endsWith('/') ? dev : `${dev}/`);
      for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
      return win.loadURL(url.toString());
    }
    return win.loadFile(join(this.opts.trusted.rendererDir, page), { query });
  }

  /** No navigation away from the app, no window.open (chart windows come from the contract). */
  private lockDown(win: BrowserWindow): void {
    const contents = win.webContents;
    contents.setWindowOpenHandler(({ url }) => {
      if (/^https:\/\//.test(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
    contents.on('will-navigate', (event, url) => {
      if (!isTrustedSender(url, this.opts.trusted)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
  }

  private persist(): void {
    saveWindowState(this.file, [...this.windows.values()].map((w) => w.record));
  }
}
