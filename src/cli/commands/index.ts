/** @module Every CLI command, registered in this order; add a command by adding its register function here. */
import type { Command } from 'commander';
import { registerAudit } from './audit.js';
import { registerExport } from './export.js';
import { registerIncident } from './incident.js';
import { registerKeys } from './keys.js';
import { registerReload } from './reload.js';
import { registerRestrict } from './restrict.js';
import { registerStart } from './start.js';

export const commands: readonly ((program: Command) => void)[] = [registerStart, registerKeys, registerRestrict, registerAudit, registerIncident, registerExport, registerReload];
