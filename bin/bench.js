#!/usr/bin/env node
// `npm run bench`: runs every bench/*.bench.ts in its own process (so one cannot skew another's
// heap) and prints one JSON document: { "<bench>": <its JSON>, … }. `npm run bench -- bus` runs one.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv.slice(2);
const files = readdirSync(join(root, 'bench'))
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();
const out = {};
for (const f of files) {
  process.stderr.write(`bench ${f}…\n`);
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', join('bench', f)], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  try {
    out[f.replace(/\.bench\.ts$/, '')] = JSON.parse(last);
  } catch {
    out[f.replace(/\.bench\.ts$/, '')] = { error: `exit ${r.status}`, stderr: r.stderr.slice(-2000) };
  }
}
console.log(JSON.stringify(out, null, 2));
