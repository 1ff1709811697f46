/** @module Where a URL sits (markdown image or link, HTML attribute, CSS url(), plain text) and what it carries. */

export type UrlPlace = 'image' | 'link' | 'text';
/** Whether the URL is wrapped in markup (replace with a harmless URL) or stands in plain text (replace with a note). */
export type UrlContext = { readonly place: UrlPlace; readonly markup: boolean };

const LOOKBACK = 1024;
/** Tags whose `src`-like attributes a renderer fetches without a click. */
const FETCHING_TAGS = new Set(['img', 'image', 'video', 'audio', 'source', 'iframe', 'embed', 'object', 'script', 'input', 'track', 'picture']);

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isName = (c: number): boolean => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x2d;

/**
 * Classifies the URL starting at `at` by looking back at most to `floor` (the end of the previous URL, so total
 * look-back over a text is linear) and never more than LOOKBACK units. `hasImageSyntax` says whether the text
 * contains `![` anywhere, which makes a reference definition `[id]: url` renderable as an image.
 */
export function urlContext(text: string, at: number, floor: number, hasImageSyntax: boolean): UrlContext {
  const lo = Math.max(floor, at - LOOKBACK);
  let j = at - 1;
  while (j >= lo && isSpace(text.charCodeAt(j))) j--;
  if (j >= lo && text.charCodeAt(j) === 0x3c /* < */) j--;
  const c = j >= lo ? text.charCodeAt(j) : -1;
  if (c === 0x28 /* ( */) {
    if (j - 1 >= lo && text.charCodeAt(j - 1) === 0x5d /* ] */) {
      const open = matchingBracket(text, j - 1, lo);
      if (open >= 0) return { place: open - 1 >= lo && text.charCodeAt(open - 1) === 0x21 /* ! */ ? 'image' : 'link', markup: true };
      return { place: 'link', markup: true };
    }
    if (j - 3 >= lo && text.slice(j - 3, j).toLowerCase() === 'url') return { place: 'image', markup: true };
    return { place: 'text', markup: false };
  }
  if (c === 0x3a /* : */ && j - 1 >= lo && text.charCodeAt(j - 1) === 0x5d) {
    return { place: hasImageSyntax ? 'image' : 'link', markup: true };
  }
  if (c === 0x22 || c === 0x27 || c === 0x3d /* " ' = */) return htmlAttribute(text, j, lo);
  return { place: 'text', markup: false };
}

/** Index of the `[` that opens the `]` at `close`, or -1; stops at a newline pair or the floor. */
function matchingBracket(text: string, close: number, lo: number): number {
  let depth = 0;
  for (let k = close; k >= lo; k--) {
    const c = text.charCodeAt(k);
    if (c === 0x5d) depth++;
    else if (c === 0x5b && --depth === 0) return k;
    else if (c === 0x0a && k > lo && text.charCodeAt(k - 1) === 0x0a) return -1;
  }
  return -1;
}

function htmlAttribute(text: string, j: number, lo: number): UrlContext {
  let k = j;
  if (text.charCodeAt(k) !== 0x3d) k--;
  while (k >= lo && isSpace(text.charCodeAt(k))) k--;
  if (k < lo || text.charCodeAt(k) !== 0x3d) return { place: 'text', markup: false };
  k--;
  while (k >= lo && isSpace(text.charCodeAt(k))) k--;
  const attrEnd = k + 1;
  while (k >= lo && isName(text.charCodeAt(k))) k--;
  const attr = text.slice(k + 1, attrEnd).toLowerCase();
  let t = k;
  while (t >= lo && text.charCodeAt(t) !== 0x3c && text.charCodeAt(t) !== 0x3e) t--;
  if (t < lo || text.charCodeAt(t) !== 0x3c) return { place: 'link', markup: true };
  let e = t + 1;
  while (e < attrEnd && isName(text.charCodeAt(e))) e++;
  const tag = text.slice(t + 1, e).toLowerCase();
  const fetched = (attr === 'src' || attr === 'srcset' || attr === 'poster' || attr === 'background' || attr === 'data') && FETCHING_TAGS.has(tag);
  return { place: fetched || attr === 'background' ? 'image' : 'link', markup: true };
}

export type UrlParts = { readonly host: string; readonly carriesData: boolean };

const DATA_RUN = /[A-Za-z0-9_\-+/=%.]{32,}/;

/** Host (lower-case, no user-info or port) and whether query, path or a host label look like smuggled data. */
export function urlParts(url: string, dataMinChars: number): UrlParts {
  const afterScheme = url.indexOf('//') + 2;
  let endAuth = url.length;
  for (let i = afterScheme; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c === 0x2f || c === 0x3f || c === 0x23) {
      endAuth = i;
      break;
    }
  }
  const auth = url.slice(afterScheme, endAuth);
  let host = auth.slice(auth.lastIndexOf('@') + 1);
  const colon = host.indexOf(':');
  if (colon >= 0) host = host.slice(0, colon);
  let hostEnd = host.length;
  while (hostEnd > 0 && host.charCodeAt(hostEnd - 1) === 0x2e) hostEnd--; // a loop, not /\.+$/ (quadratic on dot runs)
  host = host.slice(0, hostEnd).toLowerCase();
  const rest = url.slice(endAuth);
  const hash = rest.indexOf('#');
  const noFrag = hash >= 0 ? rest.slice(0, hash) : rest;
  const q = noFrag.indexOf('?');
  const path = q >= 0 ? noFrag.slice(0, q) : noFrag;
  const query = q >= 0 ? noFrag.slice(q + 1) : '';
  let carriesData = DATA_RUN.test(path) || host.split('.').some((l) => l.length >= 24);
  if (!carriesData && query.length > 0) {
    for (const pair of query.split('&')) {
      const eq = pair.indexOf('=');
      const value = eq >= 0 ? pair.slice(eq + 1) : pair;
      if (value.length >= dataMinChars) {
        carriesData = true;
        break;
      }
    }
  }
  return { host, carriesData };
}
