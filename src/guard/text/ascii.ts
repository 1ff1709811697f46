/**
 * @module ASCII text as bytes. One native `encodeInto` copies it and is also the fastest exact test that a text is
 * ASCII: any other unit (a lone surrogate too) takes two or more bytes, so more bytes would be written than read.
 * Loops over the bytes then cost about half what `charCodeAt` loops do.
 */
import { checkDeadline, type DeadlineClock } from '../deadline.js';

const ENCODER = new TextEncoder();
/** Code units encoded between two clock reads by encodeAsciiChecked (about a millisecond). */
const ENCODE_CHUNK = 1 << 18;

/** Writes `text` into `into` (room for at least text.length bytes); true when every unit was ASCII. */
export function encodeAscii(text: string, into: Uint8Array): boolean {
  const r = ENCODER.encodeInto(text, into);
  return r.read === text.length && r.written === text.length;
}

/**
 * `encodeAscii` with `dl` read before each chunk of a long text (4 MiB takes a few milliseconds); without `dl`, one
 * call. A surrogate pair a chunk cuts in two is two lone surrogates: not ASCII either way.
 */
export function encodeAsciiChecked(text: string, into: Uint8Array, dl: DeadlineClock | undefined): boolean {
  const n = text.length;
  if (dl === undefined) return encodeAscii(text, into);
  for (let at = 0; at < n; at += ENCODE_CHUNK) {
    checkDeadline(dl);
    const end = Math.min(n, at + ENCODE_CHUNK);
    if (!encodeAscii(text.slice(at, end), into.subarray(at, end))) return false;
  }
  return true;
}
