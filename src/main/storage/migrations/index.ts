/**
 * Numbered schema migrations of the DuckDB store. Append a module (002_…) to MIGRATIONS to change
 * the schema; never edit a released one. A store whose `schema_version` is above the last entry
 * here was written by a newer LIBRA and is refused (see `checkSchemaVersion`).
 */
import { StoreVersionError } from '../store';
import * as m001 from './001_init';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly up: readonly string[];
}

export const MIGRATIONS: readonly Migration[] = [m001];

export const LATEST_SCHEMA_VERSION: number = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

/** Throws the error a person can act on when the stored schema is newer than this build knows. */
export function checkSchemaVersion(where: string, stored: number): void {
  if (stored > LATEST_SCHEMA_VERSION) {
    throw new StoreVersionError(
      `store at ${where} has schema version ${stored}, this LIBRA understands up to ${LATEST_SCHEMA_VERSION} — upgrade LIBRA`,
    );
  }
}

/** Migrations still to apply to a store at `stored`. */
export function pendingMigrations(stored: number): readonly Migration[] {
  return MIGRATIONS.filter((m) => m.version > stored);
}
