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

/** One instance of every scanner with default options. */
export function createDefaultScanners(): Scanner[] {
  return SCANNERS.map((e) => e.make());
}
