/**
 * @module `npx tsx scripts/eval/injection-parity.ts --ref /work/main [--data ../shared/data]`: scores every row of
 * the injection and harmful train/dev sets with this tree's scanners and with the tree at `--ref`, and reports any
 * score that differs by more than float rounding (1e-9) or any finding list that differs. Exit code 1 on a difference.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { REPO_ROOT, parseFlags } from './dataset.js';

type Result = { score: number; findings: readonly { type: string; start?: number; end?: number }[] };
type InjectionModule = { scoreInjection: (text: string, origin?: string) => Result };
type HarmfulModule = { scoreHarmful: (text: string) => { score: number } };

const flags = parseFlags(process.argv.slice(2));
const ref = typeof flags['ref'] === 'string' ? resolve(flags['ref']) : undefined;
if (ref === undefined) throw new Error('usage: injection-parity.ts --ref <other worktree> [--data <dir>]');
const data = resolve(typeof flags['data'] === 'string' ? flags['data'] : resolve(REPO_ROOT, '..', 'shared', 'data'));

const load = async <T>(root: string, rel: string): Promise<T> => (await import(resolve(root, rel))) as T;
const injHere = await load<InjectionModule>(REPO_ROOT, 'src/guard/scanners/injection/scan.ts');
const injRef = await load<InjectionModule>(ref, 'src/guard/scanners/injection/scan.ts');
const harmHere = await load<HarmfulModule>(REPO_ROOT, 'src/guard/scanners/harmful/scan.ts');
const harmRef = await load<HarmfulModule>(ref, 'src/guard/scanners/harmful/scan.ts');

const TOL = 1e-9;
const key = (r: Result): string => r.findings.map((f) => `${f.type}@${f.start ?? ''}-${f.end ?? ''}`).join(',');
let rows = 0;
let diffs = 0;
let maxDelta = 0;
for (const set of ['injection', 'harmful'])
  for (const split of ['train', 'dev']) {
    const lines = readFileSync(resolve(data, set, `${split}.jsonl`), 'utf8').split('\n').filter((l) => l.trim() !== '');
    for (const [i, line] of lines.entries()) {
      const text = (JSON.parse(line) as { text: string }).text;
      rows++;
      for (const origin of ['user', 'tool']) {
        const a = injHere.scoreInjection(text, origin);
        const b = injRef.scoreInjection(text, origin);
        const d = Math.abs(a.score - b.score);
        maxDelta = Math.max(maxDelta, d);
        if (d > TOL || key(a) !== key(b)) {
          diffs++;
          if (diffs <= 20) console.log(`injection ${set}/${split}#${i} ${origin}: ${a.score} vs ${b.score}; [${key(a)}] vs [${key(b)}]`);
        }
      }
      const h = harmHere.scoreHarmful(text).score;
      const g = harmRef.scoreHarmful(text).score;
      maxDelta = Math.max(maxDelta, Math.abs(h - g));
      if (Math.abs(h - g) > TOL) {
        diffs++;
        if (diffs <= 20) console.log(`harmful ${set}/${split}#${i}: ${h} vs ${g}`);
      }
    }
  }
console.log(`${rows} rows (injection as user and as tool, harmful): ${diffs} differences, max |delta score| ${maxDelta.toExponential(2)}`);
process.exitCode = diffs === 0 ? 0 : 1;
