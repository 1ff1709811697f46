/** @module Does a text look like data (a table, e-mail, YAML record, code) rather than a message to the assistant? */

const MAX_LINES = 400;

/**
 * Structure-only heuristic, used when the message origin does not already say "data": an imperative
 * addressed to the assistant is the signal of indirect injection only where the text is data. Looks at
 * line shapes, never at wording, so attack text cannot easily switch it off without also breaking the
 * carrier it hides in.
 */
export function looksLikeData(text: string): boolean {
  let lines = 0;
  let dataLines = 0;
  let pos = 0;
  let fences = 0;
  while (pos < text.length && lines < MAX_LINES) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    const line = text.slice(pos, Math.min(end, pos + 400)).trim();
    pos = end + 1;
    if (line.length === 0) continue;
    lines++;
    const c0 = line.charCodeAt(0);
    if (line.startsWith('```')) fences++;
    if (
      c0 === 0x7c /* | */ ||
      c0 === 0x3e /* > quote */ ||
      /^(?:from|to|cc|bcc|subject|date|sent|reply-to)\s*:/i.test(line) ||
      /^-?\s?[a-z_][\w-]{0,30}:(?:\s|$)/i.test(line) ||
      /[;{}]$/.test(line) ||
      /^(?:def|class|import|from|return|if|for|while|public|private|function|const|var|let|#include)\b/.test(line)
    ) {
      dataLines++;
    }
  }
  if (fences >= 2) return true;
  return dataLines >= 3 && dataLines * 3 >= lines;
}

const TABLE_OR_CODE = /^(?:[|>#`{}[\]<]|[-+*] |[\w.-]{1,30}:(?:\s|$))|[;{}|]$/;
const WORD = /[a-z]{2,}/gi;
const YOU = /\b(?:you|your|yours|yourself)\b/i;

/**
 * In data, marks prose lines with synthetic tokens so the model sees "a sentence where rows, fields or
 * code were expected", whatever its wording (unseen instructions inside a table or record look alike).
 * `zqxprose` starts every prose line, `zqxyou` one that addresses the reader, `zqxask` one that asks.
 * Lines are capped at `maxLines`; the rest is passed through unmarked.
 */
export function markDataLines(text: string, maxLines = 2000): string {
  const lines = text.split('\n', maxLines + 1);
  const tail = lines.length > maxLines ? text.slice(lines.slice(0, maxLines).join('\n').length) : '';
  const out: string[] = [];
  for (const line of lines.slice(0, maxLines)) {
    const t = line.trim();
    let words = 0;
    if (t.length >= 12 && t.length <= 600 && !TABLE_OR_CODE.test(t)) {
      for (const _ of t.matchAll(WORD)) if (++words >= 3) break;
    }
    if (words >= 3) {
      const tags = ['zqxprose', YOU.test(t) ? 'zqxyou' : '', t.endsWith('?') ? 'zqxask' : ''].filter((x) => x !== '');
      out.push(`${tags.join(' ')} ${line}`);
    } else out.push(line);
  }
  return out.join('\n') + tail;
}
