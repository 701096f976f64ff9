import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EquityMarksFile, equityMarksPath } from './equity-marks-file';

const dir = (): string => mkdtempSync(join(tmpdir(), 'libra-marks-'));

describe('EquityMarksFile', () => {
  it('stores the marks, reads them back in a new instance, and forgets them', () => {
    const f = new EquityMarksFile(equityMarksPath(dir()), () => 7);
    expect(f.load()).toBeUndefined();
    f.save({ peak: 160_000, dayStart: 150_000.5, day: 20_428 });
    expect(JSON.parse(readFileSync(f.path, 'utf8'))).toEqual({ peak: 160_000, dayStart: 150_000.5, day: 20_428, ts: 7 });
    const again = new EquityMarksFile(f.path);
    expect(again.load()).toEqual({ peak: 160_000, dayStart: 150_000.5, day: 20_428 });
    expect(again.problem).toBeUndefined();
    f.save(undefined);
    expect(existsSync(f.path)).toBe(false);
    expect(f.load()).toBeUndefined();
  });

  it('ignores a file it cannot use, says why naming the file, never echoes its contents, and leaves it alone', () => {
    const path = equityMarksPath(dir());
    const cases: Array<[string, RegExp]> = [
      ['not json do-not-echo', /not valid JSON/],
      ['{"peak":"do-not-echo","dayStart":1,"day":1}', /peak: /],
      ['{"peak":1,"dayStart":2,"day":1,"note":"do-not-echo"}', /peak: the peak cannot be below/],
      ['{"peak":2,"dayStart":1,"day":1.5}', /day: /],
      ['[]', /\(root\)/],
    ];
    for (const [text, why] of cases) {
      writeFileSync(path, text);
      const f = new EquityMarksFile(path);
      expect(f.load()).toBeUndefined();
      expect(f.problem).toContain(path);
      expect(f.problem).toMatch(why);
      expect(f.problem).not.toContain('do-not-echo');
      expect(readFileSync(path, 'utf8')).toBe(text);
    }
  });
});
