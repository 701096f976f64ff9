import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HaltLatchFile, haltLatchPath } from './halt-latch-file';

const dir = (): string => mkdtempSync(join(tmpdir(), 'libra-latch-'));

describe('HaltLatchFile', () => {
  it('stores a latched halt, reads it back, and removes it when lifted', () => {
    const f = new HaltLatchFile(haltLatchPath(dir()));
    expect(f.load()).toBeUndefined();
    f.save({ state: 'HALTED', reason: 'PANIC from the UI', ts: 42 });
    expect(new HaltLatchFile(f.path).load()).toEqual({ state: 'HALTED', reason: 'PANIC from the UI', ts: 42 });
    f.save(undefined);
    expect(existsSync(f.path)).toBe(false);
    expect(f.load()).toBeUndefined();
  });

  it('fails closed on a file it cannot read: HALTED, naming the file, never echoing its contents', () => {
    const path = haltLatchPath(dir());
    writeFileSync(path, '{"state":"ACTIVE","secret":"do-not-echo"}');
    const h = new HaltLatchFile(path).load();
    expect(h?.state).toBe('HALTED');
    expect(h?.reason).toContain(path);
    expect(h?.reason).toMatch(/state: /);
    expect(h?.reason).not.toContain('do-not-echo');
    writeFileSync(path, 'not json do-not-echo');
    expect(new HaltLatchFile(path).load()).toMatchObject({ state: 'HALTED' });
    expect(new HaltLatchFile(path).load()?.reason).not.toContain('do-not-echo');
    expect(readFileSync(path, 'utf8')).toContain('not json');
  });
});
