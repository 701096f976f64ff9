/**
 * News for agents from a file the user keeps (`newsFile`): a JSON array or JSON lines of
 * `{ "ts": ms | ISO, "headline": "…", "body": "…" }`. Re-read when the file changes; a bad line
 * is skipped and reported once, never shown to the model as anything but data.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { z } from 'zod';
import type { NewsItem } from './world';

const itemSchema = z.object({
  ts: z.union([z.number(), z.string().transform((s, ctx) => {
    const t = Date.parse(s);
    if (Number.isNaN(t)) {
      ctx.addIssue({ code: 'custom', message: 'not a time' });
      return z.NEVER;
    }
    return t;
  })]),
  headline: z.string().max(1000),
  body: z.string().max(20_000).optional(),
});

export class NewsFile {
  private cache: { mtimeMs: number; items: NewsItem[] } | undefined;
  private warned = false;

  constructor(
    readonly file: string,
    private readonly warn: (line: string) => void = () => undefined,
  ) {}

  items(): readonly NewsItem[] {
    if (!existsSync(this.file)) return [];
    const mtimeMs = statSync(this.file).mtimeMs;
    if (this.cache && this.cache.mtimeMs === mtimeMs) return this.cache.items;
    const text = readFileSync(this.file, 'utf8');
    let rows: unknown[] = [];
    const trimmed = text.trimStart();
    let bad = 0;
    if (trimmed.startsWith('[')) {
      try {
        rows = JSON.parse(text) as unknown[];
      } catch {
        bad++;
      }
    } else {
      for (const line of text.split('\n')) {
        if (line.trim() === '') continue;
        try {
          rows.push(JSON.parse(line));
        } catch {
          bad++;
        }
      }
    }
    const items: NewsItem[] = [];
    for (const r of rows) {
      const p = itemSchema.safeParse(r);
      if (p.success) items.push({ ts: p.data.ts, headline: p.data.headline, ...(p.data.body !== undefined ? { body: p.data.body } : {}) });
      else bad++;
    }
    if (bad > 0 && !this.warned) {
      this.warned = true;
      this.warn(`news file ${this.file}: ${bad} item(s) skipped (each needs ts and headline)`);
    }
    items.sort((a, b) => a.ts - b.ts);
    this.cache = { mtimeMs, items };
    return items;
  }
}
