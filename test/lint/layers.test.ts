/**
 * Each layer rule of ARCHITECTURE.md, shown to catch a violation (and to let the legal import
 * through), by linting small snippets as if they lived in each layer.
 */
import { ESLint } from 'eslint';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const eslint = new ESLint({ cwd: ROOT });

async function ruleIds(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(ROOT, file) });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

const cases: { layer: string; file: string; bad: string; rule: RegExp; good: string }[] = [
  { layer: 'shared', file: 'src/shared/domain/x.ts', bad: "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;", rule: /no-restricted-imports.*no Node built-ins/, good: "import { z } from 'zod';\nexport const x = z;" },
  { layer: 'shared', file: 'src/shared/domain/x.ts', bad: "import { Kernel } from '../../main/kernel';\nexport const x = Kernel;", rule: /may import only src\/shared/, good: "import { pow10 } from './fixed';\nexport const x = pow10;" },
  { layer: 'engine', file: 'src/main/engine/x.ts', bad: "import { SimulatedVenue } from '../venues/simulated/simulated-venue';\nexport const x = SimulatedVenue;", rule: /engine may import only/, good: "import { pow10 } from '../../shared/domain/fixed';\nexport const x = pow10;" },
  { layer: 'engine', file: 'src/main/engine/risk/x.ts', bad: "import { createRiskGate } from '../../native';\nexport const x = createRiskGate;", rule: /engine may import only/, good: "import { Topics } from '../bus/topics';\nexport const x = Topics;" },
  { layer: 'engine', file: 'src/main/engine/x.ts', bad: "import ccxt from 'ccxt';\nexport const x = ccxt;", rule: /adapters own their libraries/, good: "import { EventEmitter } from 'node:events';\nexport const x = EventEmitter;" },
  { layer: 'engine', file: 'src/main/engine/x.ts', bad: 'export const t = Date.now();', rule: /no-restricted-properties.*Clock/, good: 'export const t = (c: { now(): number }) => c.now();' },
  { layer: 'engine', file: 'src/main/engine/x.ts', bad: 'export const r = Math.random();', rule: /no-restricted-properties.*randomness/, good: 'export const r = Math.max(1, 2);' },
  { layer: 'engine', file: 'src/main/engine/x.ts', bad: 'setTimeout(() => undefined, 1);', rule: /no-restricted-globals/, good: 'export const ok = 1;' },
  { layer: 'adapters', file: 'src/main/storage/x.ts', bad: "import { main } from '../cli/main';\nexport const x = main;", rule: /adapters may import only/, good: "import { Cache } from '../engine/cache/cache';\nexport const x = Cache;" },
  { layer: 'adapters', file: 'src/main/venues/x.ts', bad: "import { app } from 'electron';\nexport const x = app;", rule: /electron may only be imported/, good: "import ccxt from 'ccxt';\nexport const x = ccxt;" },
  { layer: 'kernel', file: 'src/main/kernel.ts', bad: "import { main } from './cli/main';\nexport const x = main;", rule: /hosts import the kernel/, good: "import { Cache } from './engine/cache/cache';\nexport const x = Cache;" },
  { layer: 'cli', file: 'src/main/cli/x.ts', bad: "import { BrowserWindow } from 'electron';\nexport const x = BrowserWindow;", rule: /electron may only be imported/, good: "import { Kernel } from '../kernel';\nexport const x = Kernel;" },
  { layer: 'cli', file: 'src/main/cli/commands/x.ts', bad: "import { readBars } from '../../backtest/data';\nexport const x = readBars;", rule: /hosts \(cli, host, app\) may import only the kernel/, good: "import { createIndicator } from '../../engine/indicators';\nexport const x = createIndicator;" },
  { layer: 'cli', file: 'src/main/cli/commands/x.ts', bad: "import type { AsofSignalRow } from '../../storage/store';\nexport type X = AsofSignalRow;", rule: /hosts \(cli, host, app\) may import only the kernel/, good: "import type { AsofSignalRow } from '../../kernel';\nexport type X = AsofSignalRow;" },
  { layer: 'cli', file: 'src/main/cli/commands/x.ts', bad: "import { loadRunConfig } from '../../config/run-config';\nexport const x = loadRunConfig;", rule: /hosts \(cli, host, app\) may import only the kernel/, good: "import { EngineHost } from '../../host/engine-host';\nexport const x = EngineHost;" },
  { layer: 'host', file: 'src/main/host/x.ts', bad: "import { loadStrategy } from '../config/strategy-loader';\nexport const x = loadStrategy;", rule: /hosts \(cli, host, app\) may import only the kernel/, good: "import { Kernel } from '../kernel';\nexport const x = Kernel;" },
  { layer: 'host', file: 'src/main/host/x.ts', bad: "import { BacktestRuns } from '../backtest/worker/backtest-runs';\nexport const x = BacktestRuns;", rule: /hosts \(cli, host, app\) may import only the kernel/, good: "import type { BacktestRuns } from '../kernel';\nexport type X = BacktestRuns;" },
  { layer: 'host', file: 'src/main/host/x.test.ts', bad: "import { backtestCommand } from '../cli/commands/backtest';\nexport const x = backtestCommand;", rule: /never imports the CLI/, good: "import { Topics } from '../engine/bus/topics';\nexport const x = Topics;" },
  { layer: 'host', file: 'src/main/host/x.ts', bad: "import { ipcMain } from 'electron';\nexport const x = ipcMain;", rule: /electron may only be imported/, good: "import { AlertBook } from './alerts';\nexport const x = AlertBook;" },
  { layer: 'host', file: 'src/main/host/ws/x.ts', bad: "import { DuckDbStore } from '../../storage/duckdb/duckdb-store';\nexport const x = DuckDbStore;", rule: /hosts \(cli, host, app\) may import only the kernel/, good: "import { WebSocketServer } from 'ws';\nexport const x = WebSocketServer;" },
  { layer: 'host', file: 'src/main/host/ws/x.ts', bad: "import { app } from 'electron';\nexport const x = app;", rule: /electron may only be imported/, good: "import type { EngineHost } from '../engine-host';\nexport type X = EngineHost;" },
  { layer: 'host-ipc', file: 'src/main/host/ipc/x.ts', bad: "import { startRunSession } from '../../venues/ccxt/run-session';\nexport const x = startRunSession;", rule: /hosts \(cli, host, app\) may import only the kernel/, good: "import { ipcMain } from 'electron';\nexport const x = ipcMain;" },
  { layer: 'host-ipc', file: 'src/main/host/ipc/x.ts', bad: "import { main } from '../../cli/main';\nexport const x = main;", rule: /never imports the CLI/, good: "import type { EngineHost } from '../engine-host';\nexport type X = EngineHost;" },
  { layer: 'app', file: 'src/main/app/x.ts', bad: "import { PaperReplaySession } from '../backtest/paper-replay';\nexport const x = PaperReplaySession;", rule: /hosts \(cli, host, app\) may import only the kernel/, good: "import { BrowserWindow } from 'electron';\nexport const x = BrowserWindow;" },
  { layer: 'app', file: 'src/main/app/x.ts', bad: "import { createRiskGate } from '../native';\nexport const x = createRiskGate;", rule: /hosts \(cli, host, app\) may import only the kernel/, good: "import { firstRunRisk } from '../kernel';\nexport const x = firstRunRisk;" },
  { layer: 'app', file: 'src/main/app/x.ts', bad: "import { main } from '../cli/main';\nexport const x = main;", rule: /never imports the CLI/, good: "import { EngineHost } from '../host/engine-host';\nexport const x = EngineHost;" },
  { layer: 'preload', file: 'src/preload/x.ts', bad: "import { Cache } from '../main/engine/cache/cache';\nexport const x = Cache;", rule: /preload may import only src\/shared\/ipc/, good: "import { contextBridge } from 'electron';\nexport const x = contextBridge;" },
  { layer: 'renderer', file: 'src/renderer/x.ts', bad: "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;", rule: /renderer has no Node/, good: "import { pow10 } from '../shared/domain/fixed';\nexport const x = pow10;" },
  { layer: 'renderer', file: 'src/renderer/x.ts', bad: "import { Kernel } from '../main/kernel';\nexport const x = Kernel;", rule: /renderer may import only src\/shared/, good: "import { configureStore } from '@reduxjs/toolkit';\nexport const x = configureStore;" },
];

describe('layer rules', () => {
  for (const c of cases) {
    it(`${c.layer}: catches ${c.bad.split('\n')[0]}`, async () => {
      expect((await ruleIds(c.file, c.bad)).join('\n')).toMatch(c.rule);
    });
    it(`${c.layer}: allows ${c.good.split('\n')[0]}`, async () => {
      const msgs = (await ruleIds(c.file, c.good)).filter((m) => /no-restricted/.test(m));
      expect(msgs).toEqual([]);
    });
  }
});
