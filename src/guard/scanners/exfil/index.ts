/** @module `exfil` scanner (output): markdown/HTML images and data-carrying links to hosts not on an allow-list. */
import { z } from 'zod';
import { defineScanner, type Finding, type ScanResult, type Scanner } from '../../types.js';
import { urlContext, urlParts } from './url-context.js';

const hostPattern = z.string().regex(/^(\*\.)?[a-z0-9-]{1,63}(\.[a-z0-9-]{1,63}){0,20}$/i, 'host or *.host');

export const exfilOptionsSchema = z
  .object({
    /** `example.com` matches that host only; `*.example.com` matches it and every subdomain. */
    allowHosts: z.array(hostPattern).max(10_000).default([]),
    /** Also report plain links (no data) to hosts off the list; by default only images and data-carrying links. */
    strict: z.boolean().default(false),
    dataMinChars: z.number().int().min(1).max(1024).default(8),
    maxFindings: z.number().int().min(1).max(10_000).default(64),
  })
  .strict();

export type ExfilOptions = z.infer<typeof exfilOptionsSchema>;

/** Bounded match per URL; `(`, `)`, brackets and quotes end a URL so markdown and HTML delimit it. */
const URL_RE = /(?:https?:)?\/\/[^\s<>"'`()[\]{}\\^|]{1,4096}/giu;

type Hit = { start: number; end: number; markup: boolean };

/**
 * Finding types: `exfil.image` (auto-fetched by renderers: markdown image, HTML src, CSS url(), reference
 * definition when the text has image syntax; score 1 with data, 0.8 without) and `exfil.link` (0.7 with data,
 * 0.4 in strict mode). `detail` is the host. Verdict `redact`: the URL becomes `about:blank` inside markup (so no
 * relative fetch happens) and `[url removed]` in plain text.
 */
export const exfil = defineScanner<ExfilOptions>({
  id: 'exfil',
  stages: ['output'],
  parseOptions: (raw) => exfilOptionsSchema.parse(raw ?? {}),
  create: (options): Scanner => {
    const exact = new Set<string>();
    const suffix = new Set<string>();
    for (const h of options.allowHosts) {
      const l = h.toLowerCase();
      if (l.startsWith('*.')) suffix.add(l.slice(2));
      else exact.add(l);
    }
    const allowed = (host: string): boolean => {
      if (exact.has(host)) return true;
      for (let i = -1; ; i = host.indexOf('.', i + 1)) {
        if (suffix.has(host.slice(i + 1))) return true;
        if (host.indexOf('.', i + 1) < 0) return false;
      }
    };
    // One RegExp per scanner instance (building one costs microseconds); scans are synchronous, so resetting
    // lastIndex at the start is enough.
    const re = new RegExp(URL_RE.source, URL_RE.flags);
    const scanText = (text: string): ScanResult => {
      if (text.indexOf('//') < 0) return { verdict: 'pass', score: 0, findings: [] };
      const hasImageSyntax = text.includes('![');
      const findings: Finding[] = [];
      const hits: Hit[] = [];
      let score = 0;
      let floor = 0;
      re.lastIndex = 0;
      for (let m = re.exec(text); m !== null; m = re.exec(text)) {
        const start = m.index;
        const end = start + m[0].length;
        const ctx = urlContext(text, start, floor, hasImageSyntax);
        floor = end;
        if (m[0].startsWith('//') && !ctx.markup) continue; // `// comment` in code, not a URL
        const { host, carriesData } = urlParts(m[0], options.dataMinChars);
        if (host.length === 0 || allowed(host)) continue;
        let type: string | undefined;
        let s = 0;
        if (ctx.place === 'image') {
          type = 'exfil.image';
          s = carriesData ? 1 : 0.8;
        } else if (carriesData || options.strict) {
          type = 'exfil.link';
          s = carriesData ? 0.7 : 0.4;
        }
        if (type === undefined) continue;
        score = Math.max(score, s);
        hits.push({ start, end, markup: ctx.markup });
        if (findings.length < options.maxFindings) findings.push({ type, score: s, start, end, detail: host.slice(0, 253) });
        else if (findings.length === options.maxFindings) findings.push({ type: 'exfil.link', score: 1 }); // span-less: selective redaction impossible, runner blocks
      }
      if (hits.length === 0) return { verdict: 'pass', score: 0, findings: [] };
      let out = '';
      let pos = 0;
      for (const h of hits) {
        out += text.slice(pos, h.start) + (h.markup ? 'about:blank' : '[url removed]');
        pos = h.end;
      }
      return { verdict: 'redact', score, findings, text: out + text.slice(pos) };
    };
    return { id: 'exfil', stages: ['output'], mode: 'cpu', scan: async (input) => scanText(input.text) };
  },
});
