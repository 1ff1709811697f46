/** @module The scanner registry: every scanner Warden ships, by the id the guard policy names it with. */
import type { Scanner, ScannerDefinition } from '../types.js';
import { canary } from './canary/index.js';
import { exfil } from './exfil/index.js';
import { harmfulScanner } from './harmful/index.js';
import { injectionScanner } from './injection/index.js';
import { piiScanner } from './pii/index.js';
import { secretsScanner } from './secrets/index.js';
import { smuggling } from './smuggling/index.js';

export type ScannerEntry = { readonly id: string; readonly make: (rawOptions?: unknown) => Scanner };

function entry<O>(d: ScannerDefinition<O>): ScannerEntry {
  return { id: d.id, make: (raw) => d.create(d.parseOptions(raw ?? {})) };
}

/** Pipeline order: cheap normalising scanners first, so later ones see what they left. */
export const SCANNERS: readonly ScannerEntry[] = Object.freeze([
  entry(smuggling), entry(injectionScanner), entry(harmfulScanner), entry(piiScanner), entry(secretsScanner), entry(canary), entry(exfil),
]);

/**
 * One instance of every scanner, with the options given per scanner id (`guards.scanners` in the config) and defaults
 * elsewhere. Throws on an unknown id or options the scanner's schema refuses, naming `guards.scanners.<id>.<path>`.
 */
export function createDefaultScanners(options: Readonly<Record<string, unknown>> = {}): Scanner[] {
  const known = new Set(SCANNERS.map((e) => e.id));
  for (const id of Object.keys(options)) {
    if (!known.has(id)) throw new ScannerOptionsError(`guards.scanners.${id}: unknown scanner (known: ${[...known].join(', ')})`);
  }
  return SCANNERS.map((e) => {
    try {
      return e.make(options[e.id]);
    } catch (err) {
      const issue = (err as { issues?: { path: PropertyKey[]; message: string }[] }).issues?.[0];
      if (!issue) throw err;
      throw new ScannerOptionsError(`guards.scanners.${[e.id, ...issue.path.map(String)].join('.')}: ${issue.message}`);
    }
  });
}

/** Options in the config that a scanner does not accept. */
export class ScannerOptionsError extends Error {}
