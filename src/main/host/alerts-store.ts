/** Persists price alerts as JSON in the data folder (so they survive restarts). */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AlertView } from '../../shared/ipc/views';

export function alertsFile(dataDir: string): string {
  return join(dataDir, 'alerts.json');
}

export function loadAlerts(file: string): AlertView[] {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { alerts?: AlertView[] };
    return Array.isArray(parsed.alerts) ? parsed.alerts : [];
  } catch {
    return [];
  }
}

export function saveAlerts(file: string, alerts: readonly AlertView[]): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify({ version: 1, alerts }, null, 2));
  renameSync(tmp, file);
}
