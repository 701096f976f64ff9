/**
 * MessageBus: typed publish/subscribe plus request/response endpoints.
 *
 * Invariants:
 * - Delivery is synchronous and in publish order: a message published while another is being
 *   delivered is queued and delivered after it (per-publisher order kept, no re-entrancy).
 * - Priority topics (risk events) jump the queue: they are delivered before any queued
 *   ordinary message.
 * - Messages are frozen in development builds by the publisher's convention, never copied: the
 *   bus hands the same object to every subscriber, so subscribers must not mutate it.
 * - A throwing subscriber does not stop delivery to the others; the error goes to `onError`.
 *
 * Subscription patterns: exact topic, `*` for one dot-separated segment, trailing `**` for the
 * rest. Resolution of a topic to its handlers is cached until the subscriptions change.
 */
import { isPriorityTopic } from './topics';
import type { Endpoint, Pattern, Topic } from './topics';

export type Handler<M> = (message: M, topic: string) => void;

interface Subscription {
  readonly pattern: string;
  readonly handler: Handler<unknown>;
  readonly priority: number;
  readonly regex: RegExp | null;
}

export interface MessageBusOptions {
  onError?: (error: unknown, topic: string) => void;
}

export class MessageBus {
  private readonly subs: Subscription[] = [];
  private readonly resolved = new Map<string, Handler<unknown>[]>();
  private readonly endpoints = new Map<string, (req: unknown) => unknown>();
  private readonly queue: { topic: string; message: unknown }[] = [];
  private readonly priorityQueue: { topic: string; message: unknown }[] = [];
  private dispatching = false;
  private readonly onError: (error: unknown, topic: string) => void;
  private published = 0;
  private lastTopic: string | undefined = undefined;
  private lastHandlers: Handler<unknown>[] | undefined = undefined;

  constructor(options: MessageBusOptions = {}) {
    this.onError =
      options.onError ??
      ((error, topic) => {
        throw new Error(`subscriber of ${topic} threw: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      });
  }

  /** Subscribes to a topic or pattern; returns the unsubscribe function. Higher priority runs first. */
  subscribe<M>(pattern: Topic<M> | Pattern<M>, handler: Handler<M>, priority = 0): () => void {
    const sub: Subscription = {
      pattern,
      handler: handler as Handler<unknown>,
      priority,
      regex: pattern.includes('*') ? compilePattern(pattern) : null,
    };
    // Stable insertion by priority (descending).
    let i = this.subs.length;
    while (i > 0 && (this.subs[i - 1]?.priority ?? 0) < priority) i--;
    this.subs.splice(i, 0, sub);
    this.forget();
    return () => {
      const at = this.subs.indexOf(sub);
      if (at >= 0) {
        this.subs.splice(at, 1);
        this.forget();
      }
    };
  }

  publish<M>(topic: Topic<M>, message: M): void {
    this.published++;
    if (this.dispatching) this.enqueue(topic, message);
    else this.dispatch(topic, message);
  }

  /** Published while another message is being delivered: queued (risk topics on the priority lane). */
  private enqueue(topic: string, message: unknown): void {
    (isPriorityTopic(topic) ? this.priorityQueue : this.queue).push({ topic, message });
  }

  private dispatch(topic: string, message: unknown): void {
    this.dispatching = true;
    try {
      this.deliver(topic, message);
      // Most messages (a backtest's bars) queue nothing while delivered: no drain call then.
      if (this.queue.length > 0 || this.priorityQueue.length > 0) this.drain();
    } finally {
      this.dispatching = false;
    }
  }

  /** Registers the handler of a request/response endpoint (one per endpoint). */
  register<Req, Res>(endpoint: Endpoint<Req, Res>, handler: (req: Req) => Res): () => void {
    if (this.endpoints.has(endpoint)) throw new Error(`endpoint ${endpoint} is already registered`);
    this.endpoints.set(endpoint, handler as (req: unknown) => unknown);
    return () => this.endpoints.delete(endpoint);
  }

  request<Req, Res>(endpoint: Endpoint<Req, Res>, req: Req): Res {
    const handler = this.endpoints.get(endpoint);
    if (!handler) throw new Error(`no handler registered for endpoint ${endpoint}`);
    return handler(req) as Res;
  }

  hasSubscribers(topic: string): boolean {
    return this.handlersFor(topic).length > 0;
  }

  get publishedCount(): number {
    return this.published;
  }

  private drain(): void {
    for (;;) {
      const next = this.priorityQueue.length > 0 ? this.priorityQueue.shift() : this.queue.shift();
      if (!next) return;
      this.deliver(next.topic, next.message);
    }
  }

  private deliver(topic: string, message: unknown): void {
    const handlers = this.handlersFor(topic);
    for (let i = 0; i < handlers.length; i++) {
      try {
        (handlers[i] as Handler<unknown>)(message, topic);
      } catch (error) {
        this.onError(error, topic);
      }
    }
  }

  /** Drops every resolved topic (the subscriptions changed). */
  private forget(): void {
    this.resolved.clear();
    this.lastTopic = undefined;
    this.lastHandlers = undefined;
  }

  private handlersFor(topic: string): Handler<unknown>[] {
    // The topic resolved last (a backtest's bar topic, once per bar) needs no map lookup.
    if (topic === this.lastTopic) return this.lastHandlers as Handler<unknown>[];
    let handlers = this.resolved.get(topic);
    if (handlers === undefined) {
      handlers = [];
      for (const sub of this.subs) {
        if (sub.regex === null ? sub.pattern === topic : sub.regex.test(topic)) handlers.push(sub.handler);
      }
      this.resolved.set(topic, handlers);
    }
    this.lastTopic = topic;
    this.lastHandlers = handlers;
    return handlers;
  }
}

function compilePattern(pattern: string): RegExp {
  const parts = pattern.split('.');
  let re = '^';
  parts.forEach((part, i) => {
    const sep = i === 0 ? '' : '\\.';
    if (part === '**') {
      re += i === 0 ? '.*' : '(?:\\..*)?';
    } else if (part === '*') {
      re += `${sep}[^.]+`;
    } else {
      re += sep + part.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
  });
  return new RegExp(`${re}$`);
}
