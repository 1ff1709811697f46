/** @module A streamed completion: SSE in the caller's shape, translated and filtered frame by frame, never buffered whole. */
import type { ServerResponse } from 'node:http';
import { GatewayError, toGatewayError } from '../../core/errors.js';
import { createSseParser, type SseEvent } from '../../providers/sse/parser.js';
import { createAnthropicToOpenaiStream } from '../../providers/translate/anthropic-to-openai-stream.js';
import { usageFromAnthropic, usageFromOpenai } from '../../providers/translate/mapping.js';
import { createOpenaiToAnthropicStream } from '../../providers/translate/openai-to-anthropic-stream.js';
import type { StreamTranslator } from '../../providers/translate/stream-types.js';
import { errorFrame } from '../error-body.js';
import type { OutputTextFilter } from '../guard-hooks.js';
import type { RequestAbort } from '../request-abort.js';
import type { GatewayRuntime } from '../runtime.js';
import { upstreamFailure } from '../upstream.js';
import type { CallResult } from './call.js';
import { ChunkDecoder } from './chunk-decoder.js';
import { filterFrame } from './frame-filter.js';
import type { RequestState } from './request-state.js';

export type StreamEnd = { readonly outcome: string; readonly status: number };

export async function streamCompletion(
  rt: GatewayRuntime, body: Record<string, unknown>, res: ServerResponse, st: RequestState, result: CallResult,
  output: OutputTextFilter | undefined, abort: RequestAbort,
): Promise<StreamEnd> {
  const headers = st.resHeaders;
  headers['content-type'] = 'text/event-stream; charset=utf-8';
  headers['cache-control'] = 'no-cache';
  headers.connection = 'keep-alive';
  // The head goes out with the first write.
  res.writeHead(200, headers);

  const passthrough = result.upstreamFormat === st.format && output === undefined;
  const translator = passthrough || result.upstreamFormat === st.format ? undefined : makeTranslator(st, body);
  const upstreamParser = createSseParser();
  // Client-format frames are re-parsed only when the output guard must look inside them.
  const clientParser = output ? createSseParser() : undefined;
  const decoder = new ChunkDecoder();
  const usage = { input: 0, output: 0 };
  let failure: GatewayError | undefined;
  let blocked: string | undefined;
  let terminalSeen = false;
  // The upstream's own error event, already forwarded untranslated: the caller needs no second one.
  let upstreamErrorSent = false;
  // The last chunk of a passthrough stream, held for res.end().
  let tail = '';

  const removeInflight = rt.inflight.add({
    model: st.servedModel ?? '', tenant: st.key?.tenant ?? '', keyId: st.key?.id ?? '',
    terminate: (err) => abort.abort(err),
  });

  const write = async (s: string): Promise<void> => {
    if (s === '' || res.destroyed) return;
    st.completionChars += s.length;
    if (!res.write(s)) {
      // Remove both listeners whichever fires, or a long stream to a slow reader piles them up.
      await new Promise<void>((r) => {
        const go = (): void => {
          res.off('drain', go);
          res.off('close', go);
          r();
        };
        res.once('drain', go);
        res.once('close', go);
      });
    }
  };

  const emit = async (frames: readonly string[]): Promise<void> => {
    for (const f of frames) {
      if (!clientParser || !output) {
        await write(f);
        continue;
      }
      for (const ev of clientParser.push(f)) {
        const r = await filterFrame(st.format, ev, output);
        for (const g of r.frames) await write(g);
        if (r.blocked !== undefined) {
          blocked = r.blocked;
          return;
        }
      }
    }
  };

  try {
    for await (const chunk of result.response.body) {
      const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk);
      const events = upstreamParser.push(text);
      if (passthrough) {
        if (tail !== '') {
          await write(tail);
          tail = '';
        }
        for (const ev of events) {
          noteUsage(result.upstreamFormat, ev, usage);
          if (isTerminal(result.upstreamFormat, ev)) terminalSeen = true;
          else if (isErrorEvent(result.upstreamFormat, ev)) upstreamErrorSent = true;
        }
        // The chunk that finishes the answer goes out with the end of the response: one write, not two.
        if (terminalSeen) tail = text;
        else await write(text);
        continue;
      }
      for (const ev of events) {
        if (isTerminal(result.upstreamFormat, ev)) terminalSeen = true;
        if (!translator) {
          noteUsage(result.upstreamFormat, ev, usage);
          if (isErrorEvent(result.upstreamFormat, ev)) upstreamErrorSent = true;
        }
        await emit(translator ? translator.push(ev) : [serialize(ev)]);
        if (blocked !== undefined) break;
      }
      if (blocked !== undefined) break;
    }
    if (blocked === undefined && translator) await emit(translator.end());
    // The translator reports an unfinished upstream itself; untranslated streams are checked here.
    else if (blocked === undefined && !terminalSeen) throw new GatewayError('GW_UPSTREAM_ERROR', 'The upstream stream ended before the answer was complete.');
  } catch (err) {
    failure = abort.aborted && abort.reason instanceof GatewayError ? abort.reason : toGatewayError(err);
    if (failure.code === 'GW_INTERNAL') {
      // An upstream that goes silent past its limit is a timeout, not a broken stream.
      failure = upstreamFailure(err, undefined).code === 'GW_UPSTREAM_TIMEOUT'
        ? new GatewayError('GW_UPSTREAM_TIMEOUT', 'The upstream provider went silent mid-stream.', { cause: err })
        : new GatewayError('GW_UPSTREAM_ERROR', 'The upstream stream broke off.', { cause: err });
    }
  } finally {
    result.done();
    removeInflight();
  }
  if (tail !== '' && (failure !== undefined || blocked !== undefined) && !res.destroyed) {
    st.completionChars += tail.length;
    res.write(tail);
    tail = '';
  }
  if (translator) {
    const u = translator.usage();
    usage.input = u.inputTokens;
    usage.output = u.outputTokens;
  }
  st.usage = { inputTokens: usage.input, outputTokens: usage.output };
  if (output) st.guard = [...st.guard, ...output.findings()];

  const clientGone = res.destroyed || (abort.aborted && !(abort.reason instanceof GatewayError && abort.reason.code !== 'GW_UPSTREAM_ERROR'));
  if (blocked !== undefined) {
    abort.abort(new GatewayError('GW_GUARD_BLOCKED', 'blocked'));
    await result.response.dump();
    const e = new GatewayError('GW_GUARD_BLOCKED', `The answer was blocked by a guardrail: ${blocked}`);
    if (!res.destroyed) res.end(errorFrame(st.format, e));
    return { outcome: e.wire, status: e.status };
  }
  if (failure) {
    if (!res.destroyed) res.end(upstreamErrorSent ? undefined : errorFrame(st.format, failure));
    if (res.destroyed && clientGone) return { outcome: 'client_closed', status: 499 };
    return { outcome: failure.wire, status: failure.status };
  }
  if (!res.destroyed) {
    st.completionChars += tail.length;
    res.end(tail === '' ? undefined : tail);
  }
  return { outcome: 'ok', status: 200 };
}

function makeTranslator(st: RequestState, body: Record<string, unknown>): StreamTranslator {
  const id = `chatcmpl-${st.requestId}`;
  if (st.format === 'openai') {
    const so = (body as { stream_options?: { include_usage?: unknown } }).stream_options;
    return createAnthropicToOpenaiStream({ model: st.servedModel ?? '', id, created: Math.floor(st.at / 1000), includeUsage: so?.include_usage === true });
  }
  return createOpenaiToAnthropicStream({ model: st.servedModel ?? '', id: `msg_${st.requestId}` });
}

function isTerminal(format: 'openai' | 'anthropic', ev: SseEvent): boolean {
  return format === 'openai' ? ev.data === '[DONE]' : ev.event === 'message_stop';
}

/** An error the upstream reported in-band: Anthropic `event: error`, OpenAI `data: {"error":…}`. */
function isErrorEvent(format: 'openai' | 'anthropic', ev: SseEvent): boolean {
  if (format === 'anthropic') return ev.event === 'error';
  if (!mentions(ev.data, 'error"', '"error"')) return false;
  try {
    const j = JSON.parse(ev.data) as unknown;
    return j !== null && typeof j === 'object' && 'error' in j && !('choices' in j);
  } catch {
    return false;
  }
}

function serialize(ev: SseEvent): string {
  return ev.event !== undefined ? `event: ${ev.event}\ndata: ${ev.data}\n\n` : `data: ${ev.data}\n\n`;
}

/**
 * `data.includes(quoted)`, with `tail` (quoted without its opening quote) looked for first: in JSON nearly every
 * other character is a quote, so a search starting at one tries a match at each; a letter is far rarer.
 * Measured on a 12-frame stream: ~3 µs of a request's search time down to ~0.6 µs.
 */
function mentions(data: string, tail: string, quoted: string): boolean {
  return data.includes(tail) && data.includes(quoted);
}

/** Picks token usage out of the events that carry it, without parsing the others. */
function noteUsage(format: 'openai' | 'anthropic', ev: SseEvent, usage: { input: number; output: number }): void {
  if (!mentions(ev.data, 'usage"', '"usage"')) return;
  try {
    const j = JSON.parse(ev.data) as { usage?: unknown; message?: { usage?: unknown } };
    if (format === 'openai') {
      if (j.usage) {
        const u = usageFromOpenai(j.usage as Parameters<typeof usageFromOpenai>[0]);
        usage.input = u.inputTokens;
        usage.output = u.outputTokens;
      }
    } else {
      const raw = (j.message?.usage ?? j.usage) as Parameters<typeof usageFromAnthropic>[0];
      const u = usageFromAnthropic(raw);
      if (u.inputTokens > 0) usage.input = u.inputTokens;
      if (u.outputTokens > 0) usage.output = u.outputTokens;
    }
  } catch {
    // Usage is best effort; a malformed frame is the client's to see.
  }
}
