/** @module Verifies an evidence pack offline: every chain, every checkpoint signature, file digests and manifest signatures. */
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { canonicalize } from '../canonical-json.js';
import { ChainVerifier, type ChainReport, type VerifyProblem } from '../chain-verifier.js';
import type { CheckpointRow } from '../checkpoint.js';
import { openEnvelope } from '../envelope.js';
import { keyIdOf, publicKeyObject, verifySignature, type PublicKeyRecord } from '../keys.js';
import type { VerifyResult } from '../verify-store.js';
import { PACK_FORMAT, type PackManifest, type PackSignature } from './pack-types.js';

export type PackVerifyResult = VerifyResult & {
  readonly pack: { readonly filesChecked: number; readonly manifestSignatures: number; readonly trusted: boolean | null };
};

/** `trust`: key ids the caller holds independently; when given, every signing key must be among them. */
export async function verifyPack(dir: string, opts: { readonly trust?: readonly string[] } = {}): Promise<PackVerifyResult> {
  const t0 = performance.now();
  const problems: VerifyProblem[] = [];
  const packProblem = (message: string, kind: VerifyProblem['kind'] = 'modified'): void => {
    problems.push({ chain: '(pack)', seq: null, kind, message });
  };
  const manifest = readJson(join(dir, 'manifest.json')) as PackManifest | undefined;
  if (!manifest || manifest.format !== PACK_FORMAT || !Array.isArray(manifest.chains) || typeof manifest.files !== 'object') {
    return finish([], [{ chain: '(pack)', seq: null, kind: 'malformed', message: 'manifest.json is missing or not a Warden evidence pack manifest' }], 0, 0, null, t0);
  }
  const keys = (readJson(join(dir, 'keys.json')) ?? []) as PublicKeyRecord[];
  for (const k of keys) if (keyIdOf(k.publicKey) !== k.keyId) packProblem(`keys.json: key id ${k.keyId} does not match its public key`, 'signature');
  const trusted = opts.trust ? keys.every((k) => opts.trust?.includes(k.keyId)) : null;
  if (trusted === false) packProblem('keys.json holds keys that are not in --trust', 'signature');

  // Manifest signatures: over its canonical JSON, by keys of the pack.
  const sigs = (readJson(join(dir, 'signatures.json')) ?? []) as PackSignature[];
  let goodSigs = 0;
  for (const s of sigs) {
    const k = keys.find((x) => x.keyId === s.keyId);
    if (k && verifySignature(publicKeyObject(k.publicKey), canonicalize(manifest), s.signature)) goodSigs++;
    else packProblem(`manifest signature by ${s.keyId} does not verify`, 'signature');
  }

  let filesChecked = 0;
  for (const [name, digest] of Object.entries(manifest.files)) {
    if (name === 'events.jsonl' || name.includes('/') || name.includes('\\')) continue;
    let text: Buffer;
    try {
      text = readFileSync(join(dir, name));
    } catch {
      packProblem(`${name} is missing`, 'missing');
      continue;
    }
    filesChecked++;
    if (createHash('sha256').update(text).digest('hex') !== digest) packProblem(`${name} does not match the manifest's SHA-256`);
  }

  const checkpoints = readFileSync(join(dir, 'checkpoints.jsonl'), 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as CheckpointRow);
  const declared = new Map(manifest.chains.map((c) => [c.chain, c]));
  const reports: ChainReport[] = [];
  const seen = new Set<string>();
  let current: ChainVerifier | undefined;
  const close = (): void => {
    if (!current) return;
    const r = current.finish();
    const d = declared.get(current.chain);
    reports.push(r);
    if (d && r.ok && (r.events !== d.events || r.lastSeq !== d.lastSeq)) packProblem(`chain ${current.chain}: ${r.events} events present, the manifest declares ${d.events}`, 'truncated');
    current = undefined;
  };
  const eventsHash = createHash('sha256');
  let lineNo = 0;
  const lines = createInterface({ input: createReadStream(join(dir, 'events.jsonl'), { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of lines) {
    lineNo++;
    eventsHash.update(`${line}\n`);
    const env = openEnvelope(line);
    let chain: unknown;
    try {
      chain = env ? (JSON.parse(env.payload) as { node?: unknown }).node : undefined;
    } catch {
      chain = undefined;
    }
    if (typeof chain !== 'string') {
      packProblem(`events.jsonl line ${lineNo} is not a well-formed audit event (edited?)`, 'malformed');
      continue;
    }
    if (!current || current.chain !== chain) {
      close();
      const d = declared.get(chain);
      if (seen.has(chain) || !d) {
        packProblem(`events.jsonl line ${lineNo}: chain ${chain} ${d ? 'appears in two places' : 'is not declared in the manifest'}`, 'reordered');
        continue;
      }
      seen.add(chain);
      current = new ChainVerifier(chain, keys, checkpoints.filter((c) => c.chain === chain), { startSeq: d.firstSeq, requireRetention: false, requireSigned: true, endSeq: d.lastSeq });
    }
    current.push(env?.seq ?? -1, line);
  }
  close();
  for (const d of manifest.chains) if (!seen.has(d.chain)) packProblem(`chain ${d.chain} declared in the manifest has no events`, 'truncated');
  if (eventsHash.digest('hex') !== manifest.files['events.jsonl']) packProblem('events.jsonl does not match the manifest\'s SHA-256');
  return finish(reports, problems, filesChecked, goodSigs, trusted, t0);
}

function finish(reports: ChainReport[], pack: VerifyProblem[], filesChecked: number, sigs: number, trusted: boolean | null, t0: number): PackVerifyResult {
  // Line-level damage (a malformed line) explains the chain problems it causes, so it is reported first.
  const firstBad = pack.find((p) => p.kind === 'malformed') ?? reports.find((r) => r.problem)?.problem ?? pack[0] ?? null;
  return {
    ok: firstBad === null, events: reports.reduce((n, r) => n + r.events, 0), chains: reports, firstBad, ms: Math.round(performance.now() - t0),
    pack: { filesChecked, manifestSignatures: sigs, trusted },
  };
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}
