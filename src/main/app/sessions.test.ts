import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRecentSessions, MAX_RECENT, recentSessionsFile, relaunchArgs, rememberSession, saveRecentSessions, sessionArg } from './sessions';

describe('recent sessions', () => {
  it('keeps the newest first, once each, at most MAX_RECENT, across a save and load', () => {
    const dir = mkdtempSync(join(tmpdir(), 'libra-recent-'));
    const files = Array.from({ length: MAX_RECENT + 2 }, (_, i) => join(dir, `s${i}.json`));
    for (const f of files) writeFileSync(f, '{}');
    let list: string[] = [];
    for (const f of files) list = rememberSession(list, f);
    list = rememberSession(list, files[3] as string);
    expect(list[0]).toBe(files[3]);
    expect(list).toHaveLength(MAX_RECENT);
    expect(new Set(list).size).toBe(list.length);
    const file = recentSessionsFile(dir);
    saveRecentSessions(file, list);
    expect(loadRecentSessions(file)).toEqual(list);
  });

  it('drops sessions whose file is gone and reads a damaged list as empty', () => {
    const dir = mkdtempSync(join(tmpdir(), 'libra-recent-'));
    const file = recentSessionsFile(dir);
    saveRecentSessions(file, ['/nowhere/a.json', join(dir, 'b.json')]);
    expect(loadRecentSessions(file, (p) => p.endsWith('b.json'))).toEqual([join(dir, 'b.json')]);
    writeFileSync(file, '{"version": 1, "sessions": [42]}');
    expect(loadRecentSessions(file)).toEqual([]);
    writeFileSync(file, 'not json');
    expect(loadRecentSessions(file)).toEqual([]);
  });
});

describe('session argument', () => {
  it('reads --session FILE and --session=FILE', () => {
    expect(sessionArg(['electron', '.', '--session', '/s/live.json'])).toBe('/s/live.json');
    expect(sessionArg(['electron', '--session=/s/paper.json'])).toBe('/s/paper.json');
    expect(sessionArg(['electron', '.'])).toBeUndefined();
  });

  it('relaunches into another session by replacing the argument, or into the replay by removing it', () => {
    expect(relaunchArgs(['.', '--session', '/a.json', '--x'], '/b.json')).toEqual(['.', '--x', '--session', '/b.json']);
    expect(relaunchArgs(['.', '--session=/a.json'], undefined)).toEqual(['.']);
  });
});
