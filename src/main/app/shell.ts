/**
 * Menus with shortcuts, the tray (show, pause trading, PANIC) and native notifications for
 * fills, risk breaches, disconnects and price alerts. Thin: every action goes through the
 * EngineHost's contract handlers like a window's would.
 */
import { app, dialog, Menu, nativeImage, Notification, Tray } from 'electron';
import type { MenuItemConstructorOptions } from 'electron';
import type { EngineHost, HostNotification } from '../host/engine-host';
import type { WindowManager } from './window-manager';

/** The session menu's actions (main.ts: a file dialog, then a relaunch into the chosen session). */
export interface SessionMenu {
  /** Newest first. */
  readonly recent: readonly string[];
  /** The session shown now (undefined: the first-run replay). */
  readonly current: string | undefined;
  openDialog(): void;
  open(file: string | undefined): void;
}

export interface ShellDeps {
  readonly host: EngineHost;
  readonly windows: WindowManager;
  readonly sessions?: SessionMenu;
  readonly trayIcon?: string;
}

function sessionItems(m: SessionMenu | undefined): MenuItemConstructorOptions[] {
  if (!m) return [];
  const recent: MenuItemConstructorOptions[] = m.recent.map((file) => ({ label: file, type: 'checkbox', checked: file === m.current, click: () => m.open(file) }));
  return [
    { label: 'Open Session…', accelerator: 'CmdOrCtrl+O', click: () => m.openDialog() },
    {
      label: 'Recent Sessions',
      submenu: [...(recent.length > 0 ? recent : [{ label: 'none yet', enabled: false }]), { type: 'separator' }, { label: 'First-run Paper Replay', type: 'checkbox', checked: m.current === undefined, click: () => m.open(undefined) }],
    },
    { type: 'separator' },
  ];
}

/** PANIC cancels every order and flattens every position: it asks first (Cancel is the default). */
async function panic(host: EngineHost): Promise<void> {
  const answer = await dialog.showMessageBox({
    type: 'warning',
    title: 'PANIC',
    message: 'Cancel all orders and flatten every position?',
    detail: 'Trading is halted afterwards until you resume it.',
    buttons: ['Cancel', 'Confirm PANIC'],
    defaultId: 0,
    cancelId: 0,
    noLink: true,
  });
  if (answer.response !== 1) return;
  const r = await host.call('libra:trading.panic', { flatten: true });
  notify({ kind: 'risk', title: 'PANIC', body: r.ok ? 'All orders cancelled, positions flattening, trading halted.' : JSON.stringify(r.error) });
}

async function setPaused(host: EngineHost, paused: boolean): Promise<void> {
  await host.call('libra:trading.pause', { paused });
}

function openChart(deps: ShellDeps): void {
  const snap = deps.host.snapshot();
  const inst = snap.instruments[0];
  if (inst) deps.windows.openChart({ instrumentId: inst.id, timeframe: snap.replay.timeframe, indicators: snap.indicators });
}

export function buildMenu(deps: ShellDeps): Menu {
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        ...sessionItems(deps.sessions),
        { label: 'New Chart Window', accelerator: 'CmdOrCtrl+N', click: () => openChart(deps) },
        { label: 'Show Main Window', accelerator: 'CmdOrCtrl+1', click: () => deps.windows.showMain() },
        { type: 'separator' },
        { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'Trading',
      submenu: [
        { label: 'Pause Trading', accelerator: 'CmdOrCtrl+Shift+P', click: () => void setPaused(deps.host, true) },
        { label: 'Resume Trading', accelerator: 'CmdOrCtrl+Shift+R', click: () => void setPaused(deps.host, false) },
        { type: 'separator' },
        { label: 'PANIC: Cancel All and Flatten', accelerator: 'CmdOrCtrl+Shift+K', click: () => void panic(deps.host) },
      ],
    },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
  ];
  return Menu.buildFromTemplate(template);
}

export function createTray(deps: ShellDeps): Tray {
  const tray = new Tray(deps.trayIcon ? nativeImage.createFromPath(deps.trayIcon) : nativeImage.createEmpty());
  tray.setToolTip('LIBRA');
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: 'Show LIBRA', click: () => deps.windows.showMain() },
      { label: 'Pause Trading', click: () => void setPaused(deps.host, true) },
      { label: 'Resume Trading', click: () => void setPaused(deps.host, false) },
      { type: 'separator' },
      { label: 'PANIC (cancel all + flatten)', click: () => void panic(deps.host) },
      { type: 'separator' },
      { label: 'Quit', click: () => app.quit() },
    ]),
  );
  tray.on('click', () => deps.windows.showMain());
  return tray;
}

export function notify(n: HostNotification): void {
  if (!Notification.isSupported()) return;
  new Notification({ title: n.title, body: n.body, urgency: n.kind === 'risk' || n.kind === 'disconnect' ? 'critical' : 'normal' }).show();
}
