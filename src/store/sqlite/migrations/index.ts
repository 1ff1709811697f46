/** @module Ordered list of SQLite migrations; an entry is never edited once released, only appended. */
import { migration001Core } from './001-core.js';
import { migration002Audit } from './002-audit.js';

export const sqliteMigrations: readonly { readonly id: number; readonly name: string; readonly sql: string }[] = [
  { id: 1, name: 'core', sql: migration001Core },
  { id: 2, name: 'audit', sql: migration002Audit },
];
