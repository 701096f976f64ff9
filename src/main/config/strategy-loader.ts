/**
 * Loads strategies by name (built-in examples) or by path (a user's TypeScript or JavaScript
 * file whose default export is the strategy class). TypeScript files are compiled on the fly
 * with tsx's loader, so a user needs no build step.
 */
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { resolveParams } from '../engine/strategy/strategy';
import type { ParamSpec, StrategyClass, StrategyHooks, StrategyParams } from '../engine/strategy/strategy';

const BUILTIN: Readonly<Record<string, () => Promise<{ default: unknown }>>> = {
  'sma-cross': () => import('../engine/strategy/examples/sma-cross'),
};

export const BUILTIN_STRATEGIES = Object.keys(BUILTIN);

export class StrategyLoadError extends Error {
  override readonly name = 'StrategyLoadError';
}

export interface LoadedStrategy {
  readonly name: string;
  readonly params: StrategyParams;
  readonly paramSpecs: Readonly<Record<string, ParamSpec>>;
  readonly hooks: StrategyHooks;
}

/** Loads the class behind a name or path (without instantiating it). */
export async function loadStrategyClass(nameOrPath: string, cwd = process.cwd()): Promise<{ name: string; cls: StrategyClass }> {
  const builtin = BUILTIN[nameOrPath];
  let mod: { default?: unknown };
  let name = nameOrPath;
  if (builtin) {
    mod = await builtin();
  } else {
    const looksLikePath = /[\\/]|\.(m?[jt]s)$/.test(nameOrPath);
    if (!looksLikePath) {
      throw new StrategyLoadError(`unknown strategy "${nameOrPath}": use a built-in name (${BUILTIN_STRATEGIES.join(', ')}) or a path to a .ts/.js file`);
    }
    const file = isAbsolute(nameOrPath) ? nameOrPath : resolve(cwd, nameOrPath);
    if (!existsSync(file) || !statSync(file).isFile()) throw new StrategyLoadError(`strategy file not found: ${file}`);
    try {
      if (/\.m?ts$/.test(file)) {
        const { tsImport } = (await import('tsx/esm/api')) as { tsImport: (specifier: string, parent: string) => Promise<{ default?: unknown }> };
        mod = await tsImport(pathToFileURL(file).href, import.meta.url);
      } else {
        mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
      }
    } catch (error) {
      throw new StrategyLoadError(`could not load strategy ${file}: ${error instanceof Error ? error.message : String(error)}`);
    }
    name = file;
  }
  const cls = unwrapDefault(mod);
  if (typeof cls !== 'function') throw new StrategyLoadError(`strategy ${name} must have a default export that is a class`);
  return { name, cls: cls as StrategyClass };
}

/** Loads and instantiates a strategy with user-given parameters (validated against its spec). */
export async function loadStrategy(nameOrPath: string, params: Readonly<Record<string, string>>, cwd?: string): Promise<LoadedStrategy> {
  const { name, cls } = await loadStrategyClass(nameOrPath, cwd);
  const specs = cls.params ?? {};
  const resolved = resolveParams(specs, params);
  const hooks = new cls(resolved);
  return { name, params: resolved, paramSpecs: specs, hooks };
}

function unwrapDefault(mod: { default?: unknown }): unknown {
  let d: unknown = mod.default;
  // tsx may wrap a CommonJS-style default twice.
  if (d !== null && typeof d === 'object' && 'default' in d) d = (d as { default: unknown }).default;
  return d;
}
