/**
 * The app's session choice, without Electron (unit-tested under Node): which session to start
 * (`--session FILE` on the command line, written by Open Session… / Recent Sessions before the
 * app relaunches into it; none: the first-run paper replay) and the recent-sessions list kept in
 * the data folder (`recent-sessions.json`, newest first, at most MAX_RECENT, files that no longer
 * exist dropped). A session replaces the previous one by relaunching: nothing on screen
 * outlives the session it showed.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';

export const MAX_RECENT = 8;

const recentSchema = z.object({ version: z.literal(1), sessions: z.array(z.string().min(1)).max(100) }).strict();

export function recentSessionsFile(dataDir: string): string {
  return join(dataDir, 'recent-sessions.json');
}

/** The recent sessions (absolute paths, newest first) that still exist; a damaged file reads as none. */
export function loadRecentSessions(file: string, exists: (path: string) => boolean = existsSync): string[] {
  if (!existsSync(file)) return [];
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return [];
  }
  const parsed = recentSchema.safeParse(json);
  if (!parsed.success) return [];
  return parsed.data.sessions.filter((p) => exists(p)).slice(0, MAX_RECENT);
}

/** `path` first, without duplicates, at most MAX_RECENT. */
export function rememberSession(list: readonly string[], path: string): string[] {
  const abs = resolve(path);
  return [abs, ...list.filter((p) => p !== abs)].slice(0, MAX_RECENT);
}

/** Writes the list atomically (a crash mid-write leaves the previous file). */
export function saveRecentSessions(file: string, list: readonly string[]): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ version: 1, sessions: list.slice(0, MAX_RECENT) }, null, 2)}\n`);
  renameSync(tmp, file);
}

/** The session file named by `--session FILE` or `--session=FILE` in the app's argv, if any. */
export function sessionArg(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--session') return argv[i + 1];
    if (a.startsWith('--session=')) return a.slice('--session='.length);
  }
  return undefined;
}

/** The argv to relaunch with so the app starts `file` (or the first-run replay when undefined). */
export function relaunchArgs(argv: readonly string[], file: string | undefined): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--session') {
      i++;
      continue;
    }
    if (a.startsWith('--session=')) continue;
    out.push(a);
  }
  return file === undefined ? out : [...out, '--session', resolve(file)];
}
