/**
 * The store selection schema (zod only, no store code): the run config's `"store"` and the CLI's
 * `--store/--questdb-url` flags are both checked against it. See create-store.ts.
 */
import { z } from 'zod';

const httpUrl = z
  .string()
  .regex(/^https?:\/\/[^\s/?#]+\/?$/, 'an http(s)://host:port URL of the QuestDB HTTP endpoint, such as "http://127.0.0.1:9000"');

export const storeConfigSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('duckdb'), dataDir: z.string().min(1).optional() }).strict(),
  z.object({ kind: z.literal('questdb'), url: httpUrl, tablePrefix: z.string().regex(/^[A-Za-z0-9_]*$/, 'letters, digits and _').optional() }).strict(),
]);

export type StoreConfig = z.infer<typeof storeConfigSchema>;
