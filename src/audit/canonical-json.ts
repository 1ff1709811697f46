/** @module RFC 8785 (JCS) canonical JSON: the exact bytes that audit hashes and signatures cover. */
import { isWellFormed } from './unicode.js';

export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [k: string]: JsonValue };

/**
 * Serialises a JSON value canonically: object keys sorted by UTF-16 code units, ECMAScript number
 * formatting, no whitespace. Properties whose value is `undefined` are left out (as JSON.stringify does).
 * Throws on what JCS forbids: non-finite numbers, lone surrogates, and non-JSON values (functions, bigint, cycles).
 */
export function canonicalize(value: unknown): string {
  return write(value, 0);
}

// Depth bound: the audit log never needs deep values, and a cycle or a hostile detail must not blow the stack.
const MAX_DEPTH = 64;

function write(v: unknown, depth: number): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
      return str(v);
    case 'number':
      if (!Number.isFinite(v)) throw new TypeError('canonical JSON: non-finite number');
      // ECMAScript Number::toString is what JCS prescribes; JSON.stringify(-0) gives "0" as required.
      return JSON.stringify(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object': {
      if (depth >= MAX_DEPTH) throw new TypeError('canonical JSON: value nested too deeply');
      if (Array.isArray(v)) {
        let out = '[';
        for (let i = 0; i < v.length; i++) {
          if (i > 0) out += ',';
          const item: unknown = v[i];
          out += item === undefined ? 'null' : write(item, depth + 1);
        }
        return `${out}]`;
      }
      const proto: unknown = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) throw new TypeError('canonical JSON: only plain objects and arrays');
      const obj = v as Record<string, unknown>;
      // Default sort compares UTF-16 code units, which is the JCS order. Builders that insert keys in order skip the sort.
      const keys = Object.keys(obj);
      if (!sorted(keys)) keys.sort();
      let out = '{';
      let first = true;
      for (const k of keys) {
        const item = obj[k];
        if (item === undefined) continue;
        if (!first) out += ',';
        first = false;
        out += `${str(k)}:${write(item, depth + 1)}`;
      }
      return `${out}}`;
    }
    default:
      throw new TypeError(`canonical JSON: cannot serialise a ${typeof v}`);
  }
}

function sorted(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) if ((keys[i - 1] as string) > (keys[i] as string)) return false;
  return true;
}

function str(s: string): string {
  // JSON.stringify escapes exactly as JCS asks (\b \t \n \f \r \" \\ and other controls as \u00xx) for well-formed strings.
  if (!isWellFormed(s)) throw new TypeError('canonical JSON: string with a lone surrogate');
  return JSON.stringify(s);
}
