/**
 * @module Benign technical text for the injection trainer and its check: READMEs and source files of the
 * packages `npm ci` installs (pinned by package-lock.json, so the same lock gives the same text), cut into
 * prompt-sized chunks, some behind a request ("Can you review this code?"). The data has almost no code or
 * technical prose among its benign rows, and a model trained on it alone flagged ~6% of README and source
 * chunks as injections. Packages are split by a hash of their name: `train` packages are negatives for
 * training, `heldout` packages (a fifth) and this repository's own sources and docs are only ever scored.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { matchRules } from '../../src/guard/scanners/injection/rules.js';
import { REPO_ROOT } from './dataset.js';
import { mulberry32 } from './prng.js';

export type TechPart = 'train' | 'heldout';

const REQUESTS = [
  'Can you review this code?\n\n',
  'Explain what this does:\n',
  'Summarise this README for me.\n\n',
  'Why does this fail?\n```\n',
  'Translate these docs into French:\n',
  'Find the bug in the following:\n\n',
  'Write tests for this module.\n\n',
  'Here is the documentation, answer my question after it.\n',
];

/** The guardrail peers and gateways quote attacks in their docs and sources: never negatives. */
const EXCLUDED = /^(?:@andersmyrmel|@claude-flow|@openai|@portkey-ai|llm_guardrail)(?:\/|$)/;

const SOURCE_EXT = /\.(?:md|js|mjs|cjs|ts|d\.ts)$/;
const MAX_FILES_PER_PACKAGE = 4;
const MAX_FILE_CHARS = 64 * 1024;

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * Top-level packages the lockfile installs on every machine (not optional, no os or cpu field), sorted, so
 * every machine trains on the same text.
 */
function packageDirs(root: string): string[] {
  const lock = resolve(root, 'package-lock.json');
  if (!existsSync(lock)) return [];
  const pkgs = (JSON.parse(readFileSync(lock, 'utf8')) as { packages?: Record<string, { optional?: boolean; os?: unknown; cpu?: unknown }> }).packages ?? {};
  return Object.entries(pkgs)
    .filter(([k, v]) => k.startsWith('node_modules/') && !k.slice(13).includes('/node_modules/') && v.optional !== true && v.os === undefined && v.cpu === undefined)
    .map(([k]) => k.slice(13))
    .filter((name) => existsSync(resolve(root, 'node_modules', name)))
    .sort();
}

/** The README first, then the first source files of the package root and its lib/ or dist/ folder. */
function packageFiles(dir: string): string[] {
  const files: string[] = [];
  const add = (d: string): void => {
    if (!existsSync(d)) return;
    for (const f of readdirSync(d).sort()) {
      const p = join(d, f);
      if (SOURCE_EXT.test(f) && !f.endsWith('.min.js') && statSync(p).isFile()) files.push(p);
    }
  };
  add(dir);
  for (const sub of ['lib', 'dist', 'src']) add(join(dir, sub));
  files.sort((a, b) => Number(!/readme/i.test(a)) - Number(!/readme/i.test(b)));
  return files.slice(0, MAX_FILES_PER_PACKAGE);
}

/** Chunks of 200-3000 characters cut at line ends; about half behind a request. Chunks a rule fires on are dropped by the callers. */
function chunksOf(text: string, rnd: () => number): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    const len = 200 + Math.floor(rnd() * 2800);
    let end = Math.min(text.length, i + len);
    const nl = text.indexOf('\n', end);
    if (nl !== -1 && nl - end < 200) end = nl;
    const body = text.slice(i, end).trim();
    if (body.length >= 120) out.push(rnd() < 0.5 ? `${REQUESTS[Math.floor(rnd() * REQUESTS.length)] ?? ''}${body}` : body);
    i = end + 1;
  }
  return out.filter((t) => matchRules(t, false).length === 0);
}

/** Up to `max` chunks of the packages in `part`, sampled with the seed. */
export function techChunks(part: TechPart, max: number, seed: number, root = REPO_ROOT): string[] {
  const rnd = mulberry32(seed ^ 0x7ec4);
  const all: string[] = [];
  for (const pkg of packageDirs(root)) {
    if (EXCLUDED.test(pkg) || (fnv1a(pkg) % 5 === 0) !== (part === 'heldout')) continue;
    for (const f of packageFiles(resolve(root, 'node_modules', pkg))) all.push(...chunksOf(readFileSync(f, 'utf8').slice(0, MAX_FILE_CHARS), rnd));
  }
  // chunksOf has dropped the chunks a rule fires on.
  return sampleFirst(all, max, rnd);
}

/** The first `max` of a seeded shuffle of `all` (partial Fisher-Yates, in place). */
function sampleFirst(all: string[], max: number, rnd: () => number): string[] {
  const n = Math.min(max, all.length);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(rnd() * (all.length - i));
    [all[i], all[j]] = [all[j] as string, all[i] as string];
  }
  return all.slice(0, n);
}

/** Files under `dir` whose name `keep` accepts, depth first in name order. */
function filesUnder(dir: string, keep: (name: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const f of readdirSync(d).sort()) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (keep(f)) out.push(p);
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

/** This repository's sources and docs in chunks: never trained on. */
export function ownChunks(seed: number, root = REPO_ROOT): string[] {
  const rnd = mulberry32(seed ^ 0x0a5e);
  const keep = (f: string): boolean => /\.(?:ts|md)$/.test(f) && !/(?:weights|embedding-table|lexicon-data|lexicon|rules)\.ts$|\.test\.ts$/.test(f);
  const out: string[] = [];
  for (const d of ['src', 'docs', 'bench']) for (const p of filesUnder(resolve(root, d), keep)) out.push(...chunksOf(readFileSync(p, 'utf8'), rnd));
  return out;
}

/**
 * The SDKs of the model APIs, whose doc comments are the prose of LLM developers ("Developer-provided
 * instructions that the model should follow, regardless of messages sent by the user"): the vocabulary of
 * roles, system prompts and instructions, which the data's benign rows lack. Train-part packages only.
 */
const LLM_SDKS = ['openai', '@anthropic-ai/sdk'];

/** The doc comments of the `.d.ts` files under `resources/` of the model SDKs, in runs of one to three comments. */
export function llmDocChunks(max: number, seed: number, root = REPO_ROOT): string[] {
  const rnd = mulberry32(seed ^ 0x11d0);
  const comments: string[] = [];
  for (const pkg of LLM_SDKS) {
    if (EXCLUDED.test(pkg) || fnv1a(pkg) % 5 === 0) continue;
    for (const p of filesUnder(resolve(root, 'node_modules', pkg, 'resources'), (f) => f.endsWith('.d.ts'))) {
      for (const m of readFileSync(p, 'utf8').slice(0, 4 * MAX_FILE_CHARS).matchAll(/\/\*\*([^*]*(?:\*(?!\/)[^*]*)*)\*\//g)) {
        const text = (m[1] ?? '')
          .split('\n')
          .map((l) => l.trim().replace(/^\*\s?/, ''))
          .filter((l) => !l.startsWith('@'))
          .join(' ')
          .replace(/\s+/g, ' ')
          .trim();
        if (text.length >= 60 && !text.includes('```')) comments.push(text);
      }
    }
  }
  const uniq = [...new Set(comments)];
  const out: string[] = [];
  for (let i = 0; i < uniq.length; ) {
    const k = 1 + Math.floor(rnd() * 3);
    out.push(uniq.slice(i, i + k).join(' '));
    i += k;
  }
  return sampleFirst(out, max, rnd).filter((t) => matchRules(t, false).length === 0);
}
