import { describe, expect, it } from 'vitest';
import { VenueRegistry } from './venue';
import type { VenueParts } from './venue';

const parts = (venue: string): VenueParts => ({
  venue,
  instruments: [],
  data: { start: () => undefined, stop: async () => undefined },
  execution: { venue, connect: () => undefined, submit: () => undefined, cancel: () => undefined, modify: () => undefined },
  stop: async () => undefined,
});

describe('venue registry', () => {
  it('builds each configured venue with the factory of its kind', async () => {
    const built: string[] = [];
    const registry = new VenueRegistry<{ kind: string; name: string }, null>((c) => c.kind)
      .register('ccxt', { create: async (c) => (built.push(`ccxt:${c.name}`), parts(c.name)) })
      .register('sim', { create: async (c) => (built.push(`sim:${c.name}`), parts(c.name)) });
    await registry.create({ kind: 'sim', name: 'A' }, null);
    await registry.create({ kind: 'ccxt', name: 'B' }, null);
    expect(built).toEqual(['sim:A', 'ccxt:B']);
  });

  it('refuses an unknown kind by name, and a kind registered twice', () => {
    const registry = new VenueRegistry<{ kind: string }, null>((c) => c.kind).register('ccxt', { create: async () => parts('X') });
    expect(() => registry.create({ kind: 'fix' }, null)).toThrow('no venue factory for kind "fix" (known: ccxt)');
    expect(() => registry.register('ccxt', { create: async () => parts('Y') })).toThrow('registered twice');
  });
});
