/**
 * @module `tsx scripts/eval/rule-false-alarms.ts --base ROOT [--data DIR]`: what this checkout's injection rules and
 * decoders add over another checkout's (ROOT, e.g. a worktree of main), on text that must stay clean. Per rule
 * new here (by pattern), its hits on every benign, harmful and pii row of train and dev, read as a user turn and
 * as data, and on the tech corpus chunks main's rules leave (techChunks, ownChunks of both checkouts, built by
 * ROOT's tech-corpus.ts so the new rules do not filter them away); its hits on attack rows, for scale. Then the
 * whole scorer: clean rows and chunks this checkout flags that ROOT's does not, user and tool.
 */
import { resolve } from 'node:path';
import type * as RulesModule from '../../src/guard/scanners/injection/rules.js';
import type * as ScorerModule from '../../src/guard/scanners/injection/scorer.js';
import type * as TechModule from './tech-corpus.js';
import { INJECTION_RULES, type InjectionRule } from '../../src/guard/scanners/injection/rules.js';
import { createInjectionScorer } from '../../src/guard/scanners/injection/scorer.js';
import { looksLikeData } from '../../src/guard/text/data-context.js';
import { decodedViews } from '../../src/guard/text/decode.js';
import { normalizeForScan } from '../../src/guard/text/normalize.js';
import { dataDir, flagString, parseFlags, readClassRows, readPiiRows, REPO_ROOT, splitPath } from './dataset.js';

const flags = parseFlags(process.argv.slice(2));
const dir = dataDir(flags);
const base = resolve(flagString(flags, 'base', ''));
if (flagString(flags, 'base', '') === '') throw new Error('--base ROOT (a checkout to compare with) is required');
const print = (s: string): void => void process.stdout.write(`${s}\n`);

const baseRules = ((await import(resolve(base, 'src/guard/scanners/injection/rules.ts'))) as typeof RulesModule).INJECTION_RULES;
const baseScorer = ((await import(resolve(base, 'src/guard/scanners/injection/scorer.ts'))) as typeof ScorerModule).createInjectionScorer();
const baseTech = (await import(resolve(base, 'scripts/eval/tech-corpus.ts'))) as typeof TechModule;
const scorer = createInjectionScorer();

const key = (r: InjectionRule): string => `${r.re.source}|${r.dataOnly === true}`;
const known = new Set(baseRules.map(key));
const fresh = INJECTION_RULES.filter((r) => !known.has(key(r)));

type Named = { name: string; texts: string[] };
const clean: Named[] = [];
const attacks: string[] = [];
for (const split of ['train', 'dev']) {
  for (const task of ['injection', 'harmful']) {
    const p = splitPath(dir, task, split);
    if (p === undefined) continue;
    const rows = readClassRows(p);
    // Every harmful-task row, whatever its label, and the benign injection rows, must stay clean.
    clean.push({ name: `${task}/${split}`, texts: rows.filter((r) => task === 'harmful' || r.label === 'benign').map((r) => r.text) });
    if (task === 'injection') attacks.push(...rows.filter((r) => r.label !== 'benign').map((r) => r.text));
  }
  const pp = splitPath(dir, 'pii', split);
  if (pp !== undefined) clean.push({ name: `pii/${split}`, texts: readPiiRows(pp).map((r) => r.text) });
}
if (clean.length === 0) throw new Error(`no train or dev files under ${dir}`);
clean.push({ name: 'tech heldout', texts: baseTech.techChunks('heldout', 100_000, 20240601) });
clean.push({ name: 'tech train', texts: baseTech.techChunks('train', 100_000, 20240601) });
clean.push({ name: 'own chunks (this)', texts: baseTech.ownChunks(20240601, REPO_ROOT) });
clean.push({ name: 'own chunks (base)', texts: baseTech.ownChunks(20240601, base) });

/** The views the scorer reads: the scan form and its decoded views. */
function views(text: string): string[] {
  const norm = normalizeForScan(text);
  return [norm, ...decodedViews(norm)];
}

/** Does `rule` fire on `text` read as a user turn, and read as data? Its regex alone: a superset of what its needles let run. */
function fires(rule: InjectionRule, vs: readonly string[]): { user: boolean; data: boolean } {
  let user = false;
  let data = false;
  for (const v of vs) {
    rule.re.lastIndex = 0;
    if (!rule.re.test(v)) continue;
    data = true;
    if (rule.dataOnly !== true || looksLikeData(v)) user = true;
  }
  rule.re.lastIndex = 0;
  return { user, data };
}

print(`${fresh.length} rule patterns new over ${base}; clean texts: ${clean.map((c) => `${c.name} ${c.texts.length}`).join(', ')}`);
const cleanViews = clean.map((c) => ({ name: c.name, views: c.texts.map(views) }));
const attackViews = attacks.map(views);
let total = 0;
for (const rule of fresh) {
  const hits: string[] = [];
  for (const c of cleanViews) {
    let u = 0;
    let d = 0;
    for (const vs of c.views) {
      const f = fires(rule, vs);
      if (f.user) u++;
      if (f.data) d++;
    }
    if (u + d > 0) hits.push(`${c.name}: user ${u}, data ${d}`);
    total += d;
  }
  const onAttacks = attackViews.filter((vs) => fires(rule, vs).data).length;
  print(`${rule.name}${rule.dataOnly === true ? ' (data only)' : ''} /${rule.re.source.slice(0, 60)}…/: clean ${hits.length === 0 ? '0' : hits.join('; ')}; attack rows ${onAttacks}`);
}
print(`new-rule hits on clean text, all rules (as data, a superset of user): ${total}`);

for (const c of clean) {
  let u = 0;
  let t = 0;
  for (const text of c.texts) {
    if (scorer.score(text, 'user').score >= 0.5 && baseScorer.score(text, 'user').score < 0.5) u++;
    if (scorer.score(text, 'tool').score >= 0.5 && baseScorer.score(text, 'tool').score < 0.5) t++;
  }
  print(`scorer, newly flagged over base: ${c.name}: user ${u}, tool ${t} (of ${c.texts.length})`);
}
let gained = 0;
for (const text of attacks) if (scorer.score(text, 'user').score >= 0.5 && baseScorer.score(text, 'user').score < 0.5) gained++;
print(`scorer, attack rows newly flagged as user: ${gained} of ${attacks.length}`);
