/**
 * @module No string literal of the project's code is a copy of a row (or a value in a row) of the guard data sets in
 * ../shared/data: tests and fixtures use made-up values of the same shape. Without the data the suite is skipped
 * loudly, or fails under CI=true.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { isCi } from '../support/services.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** As scripts/eval/dataset.ts finds it: ../shared/data beside the repo; WARDEN_GUARD_DATA points elsewhere (a worktree). */
const DATA_DIR = process.env.WARDEN_GUARD_DATA || resolve(REPO_ROOT, '..', 'shared', 'data');
const ROOTS = ['src', 'test', 'scripts', 'bench'];

/** Whole literals this long or longer are checked. */
const MIN_LITERAL = 16;
/** Pieces of a longer literal (split at spaces, quotes and `=,;()<>`) this long and holding a digit or an `@`. */
const MIN_TOKEN = 12;

/**
 * Generic strings that also occur in the data: standard names, markers and digit runs, not values from a row. Short
 * phrases of plain words ("money laundering", "ignore all previous instructions") are exempt without a listing.
 */
const ALLOWED: ReadonlySet<string> = new Set([
  '-----BEGIN RSA PRIVATE KEY-----',
  '-----END RSA PRIVATE KEY-----',
  '-----BEGIN PRIVATE KEY-----',
  '-----END PRIVATE KEY-----',
  '-----BEGIN OPENSSH PRIVATE KEY-----',
  '-----END OPENSSH PRIVATE KEY-----',
  '-----END PGP PRIVATE KEY BLOCK-----',
  'b3BlbnNzaC1rZXktdjEAAAAABG5v', // base64 of the OpenSSH key magic `openssh-key-v1\0…`
  'AGE-SECRET-KEY-1',
  'http://www.w3.org/2001/XMLSchema',
  'http://www.w3.org/2001/XMLSchema-instance',
  'application/json',
  'githubusercontent.com',
  'hooks.slack.com/services',
  'ConvertTo-SecureString',
  'localhost:8080',
  '0123456789abcdef',
  '1234567890123456789',
  'abcdef123456',
]);

/** Up to four plain words: a phrase anyone writes, not a row. */
const PLAIN_PHRASE = /^[A-Za-z'-]+(?: [A-Za-z'-]+){0,3}[.?!]?$/;

type Literal = { readonly value: string; readonly line: number };

/**
 * The string literals of TypeScript source, decoded by the TypeScript parser: quoted strings and the static parts of
 * template literals (regular expressions and comments are not string literals). Empty ones are left out.
 */
export function stringLiterals(src: string): Literal[] {
  const file = ts.createSourceFile('x.ts', src, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const out: Literal[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateLiteralToken(node)) && node.text !== '') {
      out.push({ value: node.text, line: file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return out;
}

/** The literal itself when long enough, and its long pieces that look like values (digits, an `@`). */
function candidates(value: string): string[] {
  const out: string[] = [];
  if (value.length >= MIN_LITERAL && !PLAIN_PHRASE.test(value.trim())) out.push(value);
  for (const piece of value.split(/[\s'"`=,;()<>]+/)) {
    const p = piece.replace(/^[.:/-]+|[.:/-]+$/g, '');
    if (p.length >= MIN_TOKEN && p !== value && /[0-9@]/.test(p)) out.push(p);
  }
  return [...new Set(out)].filter((c) => !ALLOWED.has(c.trim()));
}

const GRAM = 16;
const BITS = 28;

/** Polynomial hash of s[at, at+GRAM), the same one the bitmap is filled with. */
function gramHash(s: string, at: number): number {
  let h = 0;
  for (let k = 0; k < GRAM; k++) h = (Math.imul(h, 31) + s.charCodeAt(at + k)) | 0;
  return h >>> (32 - BITS);
}

/**
 * Every text of the data, joined, and a bitmap of the hashes of all its 16-character windows: a candidate whose first,
 * middle and last windows are all in it is checked exactly with `includes`; the others cannot be in the data.
 */
function indexData(dir: string): { readonly text: string; has(s: string): boolean } {
  const texts: string[] = [];
  for (const task of readdirSync(dir)) {
    const td = join(dir, task);
    if (!statSync(td).isDirectory()) continue;
    for (const f of readdirSync(td)) {
      if (!f.endsWith('.jsonl')) continue;
      for (const l of readFileSync(join(td, f), 'utf8').split('\n')) {
        if (l.trim() === '') continue;
        const row = JSON.parse(l) as { text?: unknown };
        if (typeof row.text === 'string') texts.push(row.text);
      }
    }
  }
  const text = texts.join('\u0000');
  const bits = new Uint32Array(1 << (BITS - 5));
  // Rolling: h = Σ c[i]·31^(GRAM-1-i) mod 2^32, as gramHash computes it.
  let pow = 1;
  for (let k = 0; k < GRAM - 1; k++) pow = Math.imul(pow, 31);
  let h = 0;
  for (let p = 0; p < text.length; p++) {
    if (p >= GRAM) h = (h - Math.imul(text.charCodeAt(p - GRAM), pow)) | 0;
    h = (Math.imul(h, 31) + text.charCodeAt(p)) | 0;
    if (p >= GRAM - 1) {
      const b = h >>> (32 - BITS);
      bits[b >>> 5] = (bits[b >>> 5] ?? 0) | (1 << (b & 31));
    }
  }
  const seen = (s: string, at: number): boolean => {
    const b = gramHash(s, at);
    return ((bits[b >>> 5] ?? 0) & (1 << (b & 31))) !== 0;
  };
  return {
    text,
    has(s: string): boolean {
      if (s.length < GRAM) return text.includes(s);
      const mid = (s.length - GRAM) >> 1;
      return seen(s, 0) && seen(s, mid) && seen(s, s.length - GRAM) && text.includes(s);
    },
  };
}

function trackedSources(): string[] {
  try {
    return execFileSync('git', ['ls-files', '--', ...ROOTS], { cwd: REPO_ROOT, encoding: 'utf8' })
      .split('\n')
      .filter((f) => f.endsWith('.ts'));
  } catch {
    // No git (an unpacked tarball): every .ts file under the roots.
    const out: string[] = [];
    const walk = (d: string): void => {
      for (const e of readdirSync(join(REPO_ROOT, d), { withFileTypes: true })) {
        if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
        if (e.isDirectory()) walk(join(d, e.name));
        else if (e.name.endsWith('.ts')) out.push(join(d, e.name));
      }
    };
    for (const r of ROOTS) if (existsSync(join(REPO_ROOT, r))) walk(r);
    return out;
  }
}

describe('the string-literal reader', () => {
  it('reads quoted strings, template parts and escapes, and skips comments and regular expressions', () => {
    const src = [
      "const a = 'one\\'s'; // 'not this'",
      'const b = /["\']x/g.test(`t ${"inner"} u`) / 2;',
      '/* "nor this" */ const c = "x\\u0041\\n";',
    ].join('\n');
    expect(stringLiterals(src)).toEqual([
      { value: "one's", line: 1 },
      { value: 't ', line: 2 },
      { value: 'inner', line: 2 },
      { value: ' u', line: 2 },
      { value: 'xA\n', line: 3 },
    ]);
  });
});

const TITLE = 'no copies of the guard data sets in the code';

function noDataCopies(): void {
  it('no string literal of src/, test/, scripts/, bench/ is found verbatim in ../shared/data', () => {
    const data = indexData(DATA_DIR);
    const hits: string[] = [];
    for (const f of trackedSources()) {
      const path = join(REPO_ROOT, f);
      if (!existsSync(path)) continue;
      for (const lit of stringLiterals(readFileSync(path, 'utf8'))) {
        for (const c of candidates(lit.value)) {
          if (data.has(c)) hits.push(`${relative(REPO_ROOT, path)}:${lit.line}: ${JSON.stringify(c.length > 90 ? `${c.slice(0, 90)}…` : c)}`);
        }
      }
    }
    expect(hits, `copied from ${DATA_DIR}: replace each with a made-up value of the same shape (or, for a generic string, add it to ALLOWED)`).toEqual([]);
  });
}

if (existsSync(DATA_DIR)) describe(TITLE, noDataCopies);
else if (isCi()) {
  describe(TITLE, () => {
    it('needs the data sets (CI=true: absence is a failure)', () => {
      throw new Error(`${DATA_DIR} is missing: put the guard data sets there or set WARDEN_GUARD_DATA`);
    });
  });
} else {
  console.warn(`\n*** SKIPPED "${TITLE}": ${DATA_DIR} is missing. Put the guard data sets there or set WARDEN_GUARD_DATA (under CI=true this fails). ***\n`);
  describe.skip(TITLE, noDataCopies);
}
