/**
 * Command-line argument parsing with errors a person can act on. Flags are `--name value` or
 * `--name=value`; repeatable flags collect into arrays; unknown flags are errors.
 */

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface FlagSpec {
  readonly type: 'string' | 'number' | 'boolean';
  readonly repeat?: boolean;
  readonly description: string;
}

export type ParsedFlags = Record<string, string | number | boolean | string[] | undefined>;

export function parseFlags(argv: readonly string[], specs: Readonly<Record<string, FlagSpec>>, command: string): ParsedFlags {
  const out: ParsedFlags = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) throw new UsageError(`libra ${command}: unexpected argument "${arg}" (flags start with --)`);
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    const spec = specs[name];
    if (!spec) {
      throw new UsageError(`libra ${command}: unknown flag --${name} (known: ${Object.keys(specs).map((k) => `--${k}`).join(', ')})`);
    }
    let value: string | undefined;
    if (spec.type === 'boolean') {
      value = eq >= 0 ? arg.slice(eq + 1) : 'true';
      if (value !== 'true' && value !== 'false') throw new UsageError(`libra ${command}: --${name} takes no value or true/false`);
      out[name] = value === 'true';
      continue;
    }
    if (eq >= 0) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`libra ${command}: --${name} needs a value`);
      i++;
    }
    if (spec.type === 'number') {
      const n = Number(value);
      if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`libra ${command}: --${name} must be a number, got "${value}"`);
      out[name] = n;
    } else if (spec.repeat) {
      const prev = out[name];
      out[name] = Array.isArray(prev) ? [...prev, value] : [value];
    } else {
      if (out[name] !== undefined) throw new UsageError(`libra ${command}: --${name} given twice`);
      out[name] = value;
    }
  }
  return out;
}

export function str(flags: ParsedFlags, name: string): string | undefined {
  const v = flags[name];
  return typeof v === 'string' ? v : undefined;
}

export function num(flags: ParsedFlags, name: string): number | undefined {
  const v = flags[name];
  return typeof v === 'number' ? v : undefined;
}

export function list(flags: ParsedFlags, name: string): string[] {
  const v = flags[name];
  return Array.isArray(v) ? v : [];
}

export function bool(flags: ParsedFlags, name: string): boolean {
  return flags[name] === true;
}

export function usage(command: string, summary: string, specs: Readonly<Record<string, FlagSpec>>): string {
  const lines = [`libra ${command} — ${summary}`, ''];
  for (const [k, s] of Object.entries(specs)) lines.push(`  --${k}${s.type === 'boolean' ? '' : ` <${s.type}>`}${s.repeat ? ' (repeatable)' : ''}`.padEnd(34) + s.description);
  return lines.join('\n');
}

/** Parses `k=v` pairs of --param. */
export function parseParams(pairs: readonly string[], command: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new UsageError(`libra ${command}: --param must look like name=value, got "${p}"`);
    out[p.slice(0, eq).trim()] = p.slice(eq + 1).trim();
  }
  return out;
}

/** Parses a time given as ISO 8601 (UTC when no zone), a date, or epoch ms. */
export function parseTime(text: string, flag: string): number {
  if (/^\d{12,14}$/.test(text)) return Number(text);
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : /[zZ]|[+-]\d{2}:?\d{2}$/.test(text) ? text : `${text.replace(' ', 'T')}Z`;
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) throw new UsageError(`--${flag}: "${text}" is not a time (use 2024-01-31, 2024-01-31T12:00, or epoch ms)`);
  return t;
}
