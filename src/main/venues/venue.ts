/**
 * Venues as the kernel sees them: per venue a DataClient (market data onto the bus) and an
 * ExecutionClient (orders out, execution reports back; the engine's interface), built by a
 * factory chosen from the session config. The registry maps a venue kind to its factory; a
 * session asks it for each configured venue, so nothing outside a factory wires an adapter.
 *
 * Today every configured venue is a CCXT venue (`ccxtId`) in paper or live mode
 * (venues/ccxt/factory.ts). A new kind (a first-class encoder, another simulator…) adds a
 * factory and registers it; the session code does not change.
 */
import type { Instrument } from '../../shared/domain/instrument';
import type { ExecutionClient } from '../engine/execution/execution-client';

export type { ExecutionClient } from '../engine/execution/execution-client';

/** Market data of one venue onto the engine's bus (trades, quotes, books, bars). */
export interface DataClient {
  start(): void;
  stop(): Promise<void>;
}

/** What a factory hands back for one configured venue, attached to the session's engine. */
export interface VenueParts {
  readonly venue: string;
  readonly instruments: readonly Instrument[];
  readonly data: DataClient;
  readonly execution: ExecutionClient;
  /** Stops the execution side (the session stops data clients first). */
  stop(): Promise<void>;
}

export interface VenueFactory<Config, Context> {
  create(config: Config, context: Context): Promise<VenueParts>;
}

export class VenueRegistry<Config, Context> {
  private readonly factories = new Map<string, VenueFactory<Config, Context>>();

  constructor(private readonly kindOf: (config: Config) => string) {}

  register(kind: string, factory: VenueFactory<Config, Context>): this {
    if (this.factories.has(kind)) throw new Error(`venue kind ${kind} is registered twice`);
    this.factories.set(kind, factory);
    return this;
  }

  get kinds(): readonly string[] {
    return [...this.factories.keys()];
  }

  create(config: Config, context: Context): Promise<VenueParts> {
    const kind = this.kindOf(config);
    const factory = this.factories.get(kind);
    if (!factory) throw new Error(`no venue factory for kind "${kind}" (known: ${this.kinds.join(', ') || 'none'})`);
    return factory.create(config, context);
  }
}
