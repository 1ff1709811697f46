/** @module Ordered list of PostgreSQL migrations; an entry is never edited once released, only appended. */
import { pgMigration001Core } from './001-core.js';

export type PgMigration = { readonly id: number; readonly name: string; readonly sql: string };

export const postgresMigrations: readonly PgMigration[] = [
  { id: 1, name: 'core', sql: pgMigration001Core },
];
