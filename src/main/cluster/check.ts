/**
 * Hand-written checks for the cluster's hot stream entries (market data, order intents and
 * reports), used instead of a zod parse per entry on the paths that carry tens of thousands of
 * entries a second. They accept exactly what the zod schemas beside them accept (the tests
 * compare both on every field of every kind, valid and mutated), check every field, refuse
 * unknown ones, and fail with the path of the first problem and what was expected — never the
 * value. A checked value is returned as it is (no copy).
 *
 * Numbers as zod 4 has them: `z.number()` is finite, `.int()` a safe integer.
 */

export class CheckError extends Error {
  override readonly name = 'CheckError';
  constructor(
    readonly path: string,
    readonly expected: string,
  ) {
    super(`${path || '(root)'}: ${expected}`);
  }
}

export type Obj = Record<string, unknown>;

export function fail(path: string, expected: string): never {
  throw new CheckError(path, expected);
}

const at = (path: string, key: string): string => (path ? `${path}.${key}` : key);

/** A JSON object (fields not checked yet). */
export function record(v: unknown, path: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'expected an object');
  return v as Obj;
}

/** Refuses any field of `o` outside `allowed`. */
export function only(o: Obj, path: string, allowed: ReadonlySet<string>): Obj {
  for (const k in o) if (!allowed.has(k)) fail(at(path, k), 'unknown field');
  return o;
}

/** A JSON object with no field outside `allowed`. */
export function object(v: unknown, path: string, allowed: ReadonlySet<string>): Obj {
  return only(record(v, path), path, allowed);
}

export function str(o: Obj, k: string, path: string, min = 0, max = Infinity): string {
  const v = o[k];
  if (typeof v !== 'string') fail(at(path, k), 'expected a string');
  if (v.length < min) fail(at(path, k), `expected at least ${min} character${min === 1 ? '' : 's'}`);
  if (v.length > max) fail(at(path, k), `expected at most ${max} characters`);
  return v;
}

export function num(o: Obj, k: string, path: string): number {
  const v = o[k];
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(at(path, k), 'expected a finite number');
  return v;
}

export function nonNegative(o: Obj, k: string, path: string): number {
  const v = num(o, k, path);
  if (v < 0) fail(at(path, k), 'expected a number >= 0');
  return v;
}

export function positive(o: Obj, k: string, path: string): number {
  const v = num(o, k, path);
  if (v <= 0) fail(at(path, k), 'expected a number > 0');
  return v;
}

/** A safe integer, optionally at least `min`. */
export function int(o: Obj, k: string, path: string, min?: number): number {
  const v = o[k];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || (min !== undefined && v < min)) fail(at(path, k), min === undefined ? 'expected an integer' : `expected an integer >= ${min}`);
  return v;
}

export function bool(o: Obj, k: string, path: string): boolean {
  const v = o[k];
  if (typeof v !== 'boolean') fail(at(path, k), 'expected true or false');
  return v;
}

export function oneOf<T extends string>(o: Obj, k: string, path: string, values: ReadonlySet<T>): T {
  const v = o[k];
  if (typeof v !== 'string' || !values.has(v as T)) fail(at(path, k), `expected one of ${[...values].join(', ')}`);
  return v as T;
}

export function literal(o: Obj, k: string, path: string, value: string | number): void {
  if (o[k] !== value) fail(at(path, k), `expected ${JSON.stringify(value)}`);
}

/** Runs `check` on `o[k]` unless the field is absent (`undefined`, as zod's `.optional()`). */
export function optional(o: Obj, k: string, check: (o: Obj, k: string) => unknown): void {
  if (o[k] !== undefined) check(o, k);
}

export function array(o: Obj, k: string, path: string, max = Infinity): unknown[] {
  const v = o[k];
  if (!Array.isArray(v)) fail(at(path, k), 'expected an array');
  if (v.length > max) fail(at(path, k), `expected at most ${max} items`);
  return v;
}

export function keys(...k: string[]): ReadonlySet<string> {
  return new Set(k);
}
