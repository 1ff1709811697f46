/** @module Full-batch L-BFGS for weighted, L2-regularised logistic regression over sparse rows (training only). */

/** Rows in CSR form: row i is ids/vals[ptr[i], ptr[i+1]). */
export type CsrRows = {
  readonly ptr: Int32Array;
  readonly ids: Int32Array;
  readonly vals: Float32Array;
  readonly y: Uint8Array;
  readonly weight: Float64Array;
};

export type LbfgsOptions = {
  readonly dim: number;
  /** Penalty l2/2 * |w|^2 added to the summed weighted loss (the bias is not penalised). */
  readonly l2: number;
  readonly maxIter: number;
  readonly memory?: number;
  readonly tol?: number;
  readonly log?: (m: string) => void;
};

export type LbfgsResult = { bias: number; weights: Float32Array; loss: number; iterations: number };

/** Loss and gradient at x = [w (dim), b]. */
function lossGrad(d: CsrRows, x: Float64Array, g: Float64Array, dim: number, l2: number): number {
  g.fill(0);
  const b = x[dim] as number;
  let loss = 0;
  const rows = d.y.length;
  for (let i = 0; i < rows; i++) {
    const p0 = d.ptr[i] as number;
    const p1 = d.ptr[i + 1] as number;
    let z = b;
    for (let k = p0; k < p1; k++) z += (x[d.ids[k] as number] as number) * (d.vals[k] as number);
    const y = d.y[i] as number;
    const wt = d.weight[i] as number;
    // log(1 + e^-m) computed stably, m = z for y=1 and -z for y=0.
    const m = y === 1 ? z : -z;
    loss += wt * (m > 0 ? Math.log1p(Math.exp(-m)) : -m + Math.log1p(Math.exp(m)));
    const p = 1 / (1 + Math.exp(-z));
    const r = wt * (p - y);
    if (r === 0) continue;
    for (let k = p0; k < p1; k++) {
      const id = d.ids[k] as number;
      g[id] = (g[id] as number) + r * (d.vals[k] as number);
    }
    g[dim] = (g[dim] as number) + r;
  }
  let reg = 0;
  for (let j = 0; j < dim; j++) {
    const w = x[j] as number;
    if (w !== 0) {
      reg += w * w;
      g[j] = (g[j] as number) + l2 * w;
    }
  }
  return loss + 0.5 * l2 * reg;
}

function dotv(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

/**
 * Deterministic (no randomness at all): the optimum of a strictly convex loss, reached to `tol`
 * relative decrease. Backtracking Armijo line search.
 */
export function trainLbfgs(data: CsrRows, opt: LbfgsOptions): LbfgsResult {
  // Optimise only over features that occur: the rest stay 0 under L2, and vectors of `dim` entries per
  // L-BFGS memory slot would dominate the cost.
  const compact = new Int32Array(opt.dim).fill(-1);
  const used: number[] = [];
  const cids = new Int32Array(data.ids.length);
  for (let k = 0; k < data.ids.length; k++) {
    const id = data.ids[k] as number;
    let c = compact[id] as number;
    if (c < 0) {
      c = used.length;
      compact[id] = c;
      used.push(id);
    }
    cids[k] = c;
  }
  const r = trainCompact({ ...data, ids: cids }, { ...opt, dim: used.length });
  const weights = new Float32Array(opt.dim);
  used.forEach((id, c) => (weights[id] = r.weights[c] as number));
  return { ...r, weights };
}

function trainCompact(d: CsrRows, opt: LbfgsOptions): LbfgsResult {
  const n = opt.dim + 1;
  const m = opt.memory ?? 10;
  const tol = opt.tol ?? 1e-7;
  const x = new Float64Array(n);
  const g = new Float64Array(n);
  let f = lossGrad(d, x, g, opt.dim, opt.l2);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const dir = new Float64Array(n);
  const xn = new Float64Array(n);
  const gn = new Float64Array(n);
  const alpha = new Float64Array(m);
  let it = 0;
  for (; it < opt.maxIter; it++) {
    // Two-loop recursion: dir = -H g.
    for (let i = 0; i < n; i++) dir[i] = -(g[i] as number);
    for (let k = S.length - 1; k >= 0; k--) {
      const a = (rho[k] as number) * dotv(S[k] as Float64Array, dir);
      alpha[k] = a;
      const yk = Y[k] as Float64Array;
      for (let i = 0; i < n; i++) dir[i] = (dir[i] as number) - a * (yk[i] as number);
    }
    if (S.length > 0) {
      const yl = Y[Y.length - 1] as Float64Array;
      const gamma = dotv(S[S.length - 1] as Float64Array, yl) / dotv(yl, yl);
      for (let i = 0; i < n; i++) dir[i] = (dir[i] as number) * gamma;
    } else {
      const gn2 = Math.sqrt(dotv(g, g));
      for (let i = 0; i < n; i++) dir[i] = (dir[i] as number) / Math.max(1, gn2);
    }
    for (let k = 0; k < S.length; k++) {
      const b = (rho[k] as number) * dotv(Y[k] as Float64Array, dir);
      const sk = S[k] as Float64Array;
      const c = (alpha[k] as number) - b;
      for (let i = 0; i < n; i++) dir[i] = (dir[i] as number) + c * (sk[i] as number);
    }
    let gd = dotv(g, dir);
    if (gd >= 0) {
      for (let i = 0; i < n; i++) dir[i] = -(g[i] as number);
      gd = dotv(g, dir);
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
    }
    let step = 1;
    let fn = f;
    for (let ls = 0; ls < 30; ls++) {
      for (let i = 0; i < n; i++) xn[i] = (x[i] as number) + step * (dir[i] as number);
      fn = lossGrad(d, xn, gn, opt.dim, opt.l2);
      if (fn <= f + 1e-4 * step * gd) break;
      step *= 0.5;
    }
    const s = new Float64Array(n);
    const yv = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = (xn[i] as number) - (x[i] as number);
      yv[i] = (gn[i] as number) - (g[i] as number);
    }
    const sy = dotv(s, yv);
    if (sy > 1e-12) {
      S.push(s);
      Y.push(yv);
      rho.push(1 / sy);
      if (S.length > m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
    }
    const rel = (f - fn) / Math.max(1, Math.abs(f));
    x.set(xn);
    g.set(gn);
    f = fn;
    if (opt.log && it % 20 === 0) opt.log(`lbfgs it ${it} loss ${f.toFixed(5)}`);
    if (rel < tol) break;
  }
  const weights = new Float32Array(opt.dim);
  for (let i = 0; i < opt.dim; i++) weights[i] = x[i] as number;
  return { bias: x[opt.dim] as number, weights, loss: f, iterations: it };
}
