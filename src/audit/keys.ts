/** @module The node's Ed25519 signing key and the data directory's HMAC secret: created once, kept in 0600 files, never logged. */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256 } from './envelope.js';

/** A public key as recorded in the store, so verifiers find it. */
export type PublicKeyRecord = {
  readonly keyId: string;
  readonly chain: string;
  /** Base64 of the SPKI DER encoding. */
  readonly publicKey: string;
  readonly createdAt: number;
};

export type NodeKeys = {
  readonly keyId: string;
  readonly publicKey: string;
  sign(data: string): string;
};

export type AuditSecrets = { readonly hmacKey: Buffer; readonly signer: NodeKeys };

const AUDIT_DIR = 'audit';

/** Loads, or creates on first use, the HMAC secret and this node's signing key under `DIR/audit/`. */
export function loadAuditSecrets(dataDir: string, nodeId: string): AuditSecrets {
  return { hmacKey: loadHmacKey(dataDir), signer: loadNodeKeys(dataDir, nodeId) };
}

export function loadHmacKey(dataDir: string): Buffer {
  const text = readOrCreate(join(auditDir(dataDir), 'hmac.key'), () => `${randomBytes(32).toString('hex')}\n`);
  const key = Buffer.from(text.trim(), 'hex');
  if (key.length < 32) throw new Error(`${join(AUDIT_DIR, 'hmac.key')}: expected 32 hex-encoded bytes`);
  return key;
}

/** Undefined when the node has no key file in this data directory and `create` is false. */
export function loadNodeKeys(dataDir: string, nodeId: string, create = true): NodeKeys {
  const path = join(auditDir(dataDir), `node-${fileSafe(nodeId)}.ed25519.pem`);
  const pem = create
    ? readOrCreate(path, () => generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString())
    : readFileSync(path, 'utf8');
  const priv = createPrivateKey(pem);
  const publicKey = createPublicKey(priv).export({ format: 'der', type: 'spki' }).toString('base64');
  return { keyId: keyIdOf(publicKey), publicKey, sign: (data) => sign(null, Buffer.from(data, 'utf8'), priv).toString('base64') };
}

export function hasNodeKeys(dataDir: string, nodeId: string): boolean {
  try {
    readFileSync(join(auditDir(dataDir), `node-${fileSafe(nodeId)}.ed25519.pem`));
    return true;
  } catch {
    return false;
  }
}

/** Key id: `ed25519:` and the first 16 bytes of SHA-256 over the SPKI DER, so an operator can pin it elsewhere. */
export function keyIdOf(publicKeyB64: string): string {
  return `ed25519:${sha256(Buffer.from(publicKeyB64, 'base64')).slice(0, 32)}`;
}

export function publicKeyObject(publicKeyB64: string): KeyObject {
  return createPublicKey({ key: Buffer.from(publicKeyB64, 'base64'), format: 'der', type: 'spki' });
}

export function verifySignature(key: KeyObject, data: string, signatureB64: string): boolean {
  try {
    return verify(null, Buffer.from(data, 'utf8'), key, Buffer.from(signatureB64, 'base64'));
  } catch {
    return false;
  }
}

function auditDir(dataDir: string): string {
  const dir = join(dataDir, AUDIT_DIR);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** Creates the file exclusively (two workers starting together agree on one key), else reads the existing one. */
function readOrCreate(path: string, make: () => string): string {
  try {
    readFileSync(path);
  } catch {
    // Written aside, then linked into place: link fails if the name exists, and a reader never sees a half-written key.
    const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(tmp, make(), { flag: 'wx', mode: 0o600 });
    try {
      linkSync(tmp, path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      unlinkSync(tmp);
    }
  }
  // A umask cannot widen it, but an older file might have been copied in with looser bits.
  chmodSync(path, 0o600);
  return readFileSync(path, 'utf8');
}

function fileSafe(nodeId: string): string {
  const readable = nodeId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 64);
  return `${readable}-${sha256(nodeId).slice(0, 8)}`;
}
