/** @module Reading the guard data sets (JSONL in the formats of ../shared/data) and the common CLI flags. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export type ClassRow = { text: string; label: string; source: string; categories: string[] };
export type PiiSpan = { start: number; end: number; type: string };
export type PiiRow = { text: string; spans: PiiSpan[]; source: string };

export type Flags = Readonly<Record<string, string | true>>;

/** `--name value` and `--switch` flags; everything else is ignored. */
export function parseFlags(argv: readonly string[]): Flags {
  const out: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === undefined || !a.startsWith('--')) continue;
    const [key, inline] = a.slice(2).split('=', 2) as [string, string | undefined];
    const next = argv[i + 1];
    if (inline !== undefined) out[key] = inline;
    else if (next !== undefined && !next.startsWith('--')) {
      out[key] = next;
      i++;
    } else out[key] = true;
  }
  return out;
}

export function flagString(f: Flags, name: string, fallback: string): string {
  const v = f[name];
  return typeof v === 'string' ? v : fallback;
}

export function flagNumber(f: Flags, name: string, fallback: number): number {
  const v = f[name];
  const n = typeof v === 'string' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : fallback;
}

/** The data directory: `--data DIR` (relative to the current directory) or ../shared/data beside the repo. */
export function dataDir(f: Flags): string {
  const v = f['data'];
  return typeof v === 'string' ? resolve(process.cwd(), v) : resolve(REPO_ROOT, '..', 'shared', 'data');
}

function readJsonl(path: string): unknown[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as unknown);
}

function str(o: Record<string, unknown>, k: string): string {
  const v = o[k];
  return typeof v === 'string' ? v : '';
}

export function readClassRows(path: string): ClassRow[] {
  return readJsonl(path).map((u) => {
    const o = u as Record<string, unknown>;
    const cats = Array.isArray(o['categories']) ? (o['categories'] as unknown[]).filter((c): c is string => typeof c === 'string') : [];
    return { text: str(o, 'text'), label: str(o, 'label'), source: str(o, 'source') || 'unknown', categories: cats };
  });
}

export function readPiiRows(path: string): PiiRow[] {
  return readJsonl(path).map((u) => {
    const o = u as Record<string, unknown>;
    const spans = Array.isArray(o['spans']) ? (o['spans'] as PiiSpan[]) : [];
    return { text: str(o, 'text'), spans, source: str(o, 'source') || 'unknown' };
  });
}

export function splitPath(dir: string, task: string, split: string): string | undefined {
  const p = resolve(dir, task, `${split}.jsonl`);
  return existsSync(p) ? p : undefined;
}
