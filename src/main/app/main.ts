/**
 * Electron main entry (thin): single-instance lock, the engine through the kernel, the IPC host,
 * the window manager, menus, tray and notifications. The engine keeps running with every
 * window closed (alerts still fire); quitting is explicit (menu/tray).
 */
import { app, dialog, ipcMain, Menu, safeStorage, session } from 'electron';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { firstRunRisk, Kernel } from '../kernel';
import type { AgentDesk, Sealer, TradingSession } from '../kernel';
import { EngineHost } from '../host/engine-host';
import { alertsFile, loadAlerts, saveAlerts } from '../host/alerts-store';
import { registerIpc } from '../host/ipc/ipc-host';
import type { TrustedOrigins } from '../host/ipc/sender';
import { buildMenu, createTray, notify } from './shell';
import { WindowManager } from './window-manager';
import { loadRecentSessions, recentSessionsFile, relaunchArgs, rememberSession, saveRecentSessions, sessionArg } from './sessions';

// Defined by @electron-forge/plugin-vite for the `main_window` renderer.
declare const MAIN_WINDOW_VITE_DEV_SERVER_URL: string | undefined;
declare const MAIN_WINDOW_VITE_NAME: string;

const here = fileURLToPath(new URL('.', import.meta.url));
/** resources/icons (scripts/make-icons.js): beside the app when packaged (extraResource), in the checkout otherwise. */
const icons = (): string => (app.isPackaged ? join(process.resourcesPath, 'icons') : join(app.getAppPath(), 'resources/icons'));
/** The bundled samples, found the same way (a path relative to the bundle would miss both). */
const samples = (): string => (app.isPackaged ? join(process.resourcesPath, 'sample-data') : join(app.getAppPath(), 'resources/sample-data'));
/** Keys entered in the app are sealed by the OS keychain (Electron safeStorage); they never leave main. */
const keychain: Sealer = {
  isAvailable: () => safeStorage.isEncryptionAvailable(),
  seal: (plain) => safeStorage.encryptString(plain),
  unseal: (sealed) => safeStorage.decryptString(sealed),
};

async function start(): Promise<void> {
  await app.whenReady();
  // Deny every permission request (camera, notifications are native, geolocation…).
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));

  const kernel = new Kernel({ dataDir: app.getPath('userData'), risk: firstRunRisk() });
  kernel.ensureDataDir();
  const recentFile = recentSessionsFile(kernel.dataDir);
  const { session: tradingSession, stop: stopSession, start: startSession, file: current, agents } = await openSession(kernel, sessionArg(process.argv));
  const trusted: TrustedOrigins = {
    rendererDir: join(here, `../renderer/${MAIN_WINDOW_VITE_NAME}`),
    devServerUrl: MAIN_WINDOW_VITE_DEV_SERVER_URL,
  };
  const alerts = alertsFile(kernel.dataDir);
  let windows: WindowManager | null = null;
  const host = new EngineHost(tradingSession, {
    kernel,
    agents,
    // "Venue keys…": sealed by the OS keychain; without one, the data folder's key file (LIBRA_KEY_PASSPHRASE).
    keys: kernel.keys.book({ sealer: keychain, keysFile: join(kernel.dataDir, 'keys.json'), passphrase: process.env['LIBRA_KEY_PASSPHRASE'] }),
    alerts: loadAlerts(alerts),
    saveAlerts: (a) => saveAlerts(alerts, a),
    openChart: (spec) => windows?.openChart(spec) ?? false,
    backtests: { sampleDir: samples(), savedDir: join(kernel.dataDir, 'backtests') },
  });
  host.onDidNotify((n) => {
    if (n.kind !== 'denial') notify(n);
  });
  registerIpc(ipcMain, host, trusted);
  windows = new WindowManager({ host, dataDir: kernel.dataDir, preload: join(here, 'preload.cjs'), trusted, icon: join(icons(), 'libra.png') });
  const relaunchInto = (file: string | undefined): void => {
    if (file !== undefined) saveRecentSessions(recentFile, rememberSession(loadRecentSessions(recentFile), file));
    app.relaunch({ args: relaunchArgs(process.argv.slice(1), file) });
    app.quit();
  };
  const sessions = {
    recent: loadRecentSessions(recentFile),
    current,
    open: relaunchInto,
    openDialog: () => {
      void dialog.showOpenDialog({ title: 'Open session', properties: ['openFile'], filters: [{ name: 'Session config', extensions: ['json'] }] }).then((r) => {
        const file = r.filePaths[0];
        if (r.canceled || !file) return;
        try {
          kernel.sessions.loadConfig(file); // refuse a bad config here, with its message, before relaunching
        } catch (error) {
          dialog.showErrorBox('Cannot open this session', error instanceof Error ? error.message : String(error));
          return;
        }
        relaunchInto(file);
      });
    },
  };
  const deps = { host, windows, sessions, trayIcon: join(icons(), 'tray.png') };
  Menu.setApplicationMenu(buildMenu(deps));
  createTray(deps);
  windows.restore();
  startSession();

  app.on('second-instance', () => windows?.showMain());
  app.on('activate', () => windows?.showMain());
  app.on('before-quit', () => {
    windows?.markQuitting();
    host.dispose();
    void stopSession();
  });
  // Keep the engine (and alerts) alive with every window closed; quit from the menu or tray.
  app.on('window-all-closed', () => undefined);
}

/**
 * Starts the session of `file` (a `libra run` config; live keys sealed in the app's keychain
 * store first, then the key file in the data folder with LIBRA_KEY_PASSPHRASE), or the first-run replay. A session that
 * cannot start is reported in a dialog and the replay starts instead.
 */
async function openSession(kernel: Kernel, file: string | undefined): Promise<{ session: TradingSession; stop: () => Promise<void>; start: () => void; file: string | undefined; agents?: AgentDesk | undefined }> {
  if (file !== undefined) {
    try {
      const config = kernel.sessions.loadConfig(file);
      const dataDir = config.dataDir ?? kernel.dataDir;
      const run = await kernel.sessions.startRun({ config, dataDir, label: basename(file), print: (line) => console.log(line), appKeys: keychain });
      return { session: run.session, stop: () => run.stop(), start: () => undefined, file, ...(config.agents.length > 0 ? { agents: kernel.agentDesk(dataDir) } : {}) };
    } catch (error) {
      dialog.showErrorBox(`Cannot start ${basename(file)}`, `${error instanceof Error ? error.message : String(error)}\n\nThe first-run paper replay starts instead.`);
    }
  }
  const replay = await kernel.sessions.startReplay({
    time: { now: () => Date.now(), schedule: (ms, fn) => { const t = setTimeout(fn, ms); return () => clearTimeout(t); } },
    ...(app.isPackaged ? { resourcesDir: join(process.resourcesPath, 'sample-data') } : {}),
  });
  return { session: replay, stop: async () => replay.stop(), start: () => replay.start(), file: undefined };
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
