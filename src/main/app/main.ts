/**
 * Electron main entry (thin): single-instance lock, the engine through the kernel, the IPC host,
 * the window manager, menus, tray and notifications. The engine keeps running with every
 * window closed (alerts still fire); quitting is explicit (menu/tray).
 */
import { app, ipcMain, Menu, session } from 'electron';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { firstRunRisk, Kernel } from '../kernel';
import { EngineHost } from '../host/engine-host';
import { alertsFile, loadAlerts, saveAlerts } from '../host/alerts-store';
import { registerIpc } from '../host/ipc/ipc-host';
import type { TrustedOrigins } from '../host/ipc/sender';
import { buildMenu, createTray, notify } from './shell';
import { WindowManager } from './window-manager';

// Defined by @electron-forge/plugin-vite for the `main_window` renderer.
declare const MAIN_WINDOW_VITE_DEV_SERVER_URL: string | undefined;
declare const MAIN_WINDOW_VITE_NAME: string;

const here = fileURLToPath(new URL('.', import.meta.url));
/** resources/icons (scripts/make-icons.js): beside the app when packaged (extraResource), in the checkout otherwise. */
const icons = (): string => (app.isPackaged ? join(process.resourcesPath, 'icons') : join(app.getAppPath(), 'resources/icons'));
/** The bundled samples, found the same way (a path relative to the bundle would miss both). */
const samples = (): string => (app.isPackaged ? join(process.resourcesPath, 'sample-data') : join(app.getAppPath(), 'resources/sample-data'));

async function start(): Promise<void> {
  await app.whenReady();
  // Deny every permission request (camera, notifications are native, geolocation…).
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));

  const kernel = new Kernel({ dataDir: app.getPath('userData'), risk: firstRunRisk() });
  kernel.ensureDataDir();
  const replay = await kernel.startPaperReplay({
    time: { now: () => Date.now(), schedule: (ms, fn) => { const t = setTimeout(fn, ms); return () => clearTimeout(t); } },
    ...(app.isPackaged ? { resourcesDir: join(process.resourcesPath, 'sample-data') } : {}),
  });
  const trusted: TrustedOrigins = {
    rendererDir: join(here, `../renderer/${MAIN_WINDOW_VITE_NAME}`),
    devServerUrl: MAIN_WINDOW_VITE_DEV_SERVER_URL,
  };
  const alerts = alertsFile(kernel.dataDir);
  let windows: WindowManager | null = null;
  const host = new EngineHost(replay, {
    kernel,
    alerts: loadAlerts(alerts),
    saveAlerts: (a) => saveAlerts(alerts, a),
    openChart: (spec) => windows?.openChart(spec) ?? false,
    backtests: { sampleDir: samples() },
  });
  host.onDidNotify((n) => {
    if (n.kind !== 'denial') notify(n);
  });
  registerIpc(ipcMain, host, trusted);
  windows = new WindowManager({ host, dataDir: kernel.dataDir, preload: join(here, 'preload.cjs'), trusted, icon: join(icons(), 'libra.png') });
  const deps = { host, windows, trayIcon: join(icons(), 'tray.png') };
  Menu.setApplicationMenu(buildMenu(deps));
  createTray(deps);
  windows.restore();
  replay.start();

  app.on('second-instance', () => windows?.showMain());
  app.on('activate', () => windows?.showMain());
  app.on('before-quit', () => {
    windows?.markQuitting();
    replay.stop();
    host.dispose();
  });
  // Keep the engine (and alerts) alive with every window closed; quit from the menu or tray.
  app.on('window-all-closed', () => undefined);
}

// Refuse anything a page might try to create (webviews, new windows) app-wide.
app.on('web-contents-created', (_e, contents) => {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-attach-webview', (event) => event.preventDefault());
});

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  start().catch((error: unknown) => {
    console.error(error);
    app.exit(1);
  });
}
