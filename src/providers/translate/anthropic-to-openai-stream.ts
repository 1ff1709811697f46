/** @module Translates an Anthropic Messages event stream into OpenAI chat.completion.chunk frames. */
import type { OpenAIChunkDelta, OpenAIFinishReason, OpenAIToolCallDelta } from '../wire/openai.js';
import { finishReasonFromAnthropic, isRecord, openaiErrorType, usageToOpenai } from './mapping.js';
import type { TokenUsage } from './mapping.js';
import { OPENAI_DONE_FRAME, openaiFrame } from './stream-types.js';
import type { StreamTranslator, UpstreamEvent } from './stream-types.js';

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);

/** Anthropic SSE to OpenAI SSE; `includeUsage` mirrors the caller's stream_options.include_usage. */
export function createAnthropicToOpenaiStream(opts: {
  model: string;
  id: string;
  created: number;
  includeUsage: boolean;
}): StreamTranslator {
  let done = false;
  let started = false;
  let finishSent = false;
  let finish: OpenAIFinishReason | null = null;
  const toolIndexByBlock = new Map<number, number>();
  // Anthropic reports input without cache reads and writes; they are summed when usage is read.
  const u = { input: 0, cacheRead: 0, cacheWrite: 0, output: 0 };

  const usage = (): TokenUsage => ({ inputTokens: u.input + u.cacheRead + u.cacheWrite, outputTokens: u.output, cachedInputTokens: u.cacheRead });
  const chunk = (delta: OpenAIChunkDelta, finishReason: OpenAIFinishReason | null = null): string =>
    openaiFrame({
      id: opts.id,
      object: 'chat.completion.chunk',
      created: opts.created,
      model: opts.model,
      choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
    });
  // Hot path: one frame per token. The envelope is serialised once; only the text is escaped per token.
  const head = `data: {"id":${JSON.stringify(opts.id)},"object":"chat.completion.chunk","created":${JSON.stringify(opts.created)},"model":${JSON.stringify(opts.model)},"choices":[{"index":0,"delta":{"content":`;
  const textChunk = (t: string): string => head + JSON.stringify(t) + '},"finish_reason":null,"logprobs":null}]}\n\n';
  const start = (out: string[]): void => {
    if (started) return;
    started = true;
    out.push(chunk({ role: 'assistant', content: '' }));
  };
  const readUsage = (v: unknown): void => {
    if (!isRecord(v)) return;
    u.input = num(v['input_tokens']) ?? u.input;
    u.cacheRead = num(v['cache_read_input_tokens']) ?? u.cacheRead;
    u.cacheWrite = num(v['cache_creation_input_tokens']) ?? u.cacheWrite;
    u.output = num(v['output_tokens']) ?? u.output;
  };
  const fail = (message: string, type: string): string[] => {
    done = true;
    return [openaiFrame({ error: { message, type, code: 'upstream_error' } })];
  };
  const close = (): string[] => {
    const out: string[] = [];
    start(out);
    if (!finishSent) out.push(chunk({}, finish ?? 'stop'));
    if (opts.includeUsage) {
      out.push(openaiFrame({ id: opts.id, object: 'chat.completion.chunk', created: opts.created, model: opts.model, choices: [], usage: usageToOpenai(usage()) }));
    }
    out.push(OPENAI_DONE_FRAME);
    done = true;
    return out;
  };
  const toolCall = (tc: OpenAIToolCallDelta): string => chunk({ tool_calls: [tc] });

  return {
    usage,
    end: () => (done ? [] : finish !== null ? close() : fail('Upstream stream ended before the message was complete.', 'server_error')),
    push(ev: UpstreamEvent): string[] {
      if (done) return [];
      let msg: unknown;
      try {
        msg = JSON.parse(ev.data);
      } catch {
        return fail('Upstream sent a stream event that is not JSON.', 'server_error');
      }
      if (!isRecord(msg)) return fail('Upstream sent a stream event that is not an object.', 'server_error');
      const type = typeof msg['type'] === 'string' ? msg['type'] : ev.event;
      const out: string[] = [];
      switch (type) {
        case 'message_start':
          readUsage(isRecord(msg['message']) ? msg['message']['usage'] : undefined);
          start(out);
          break;
        case 'content_block_start': {
          start(out);
          const b = msg['content_block'];
          const index = num(msg['index']);
          if (!isRecord(b) || index === undefined) break;
          if (b['type'] === 'tool_use' && typeof b['id'] === 'string' && typeof b['name'] === 'string') {
            const ti = toolIndexByBlock.size;
            toolIndexByBlock.set(index, ti);
            // Streams start tool_use with input {}; a non-empty input would never be repeated in deltas.
            const input = b['input'];
            const args = isRecord(input) && Object.keys(input).length > 0 ? JSON.stringify(input) : '';
            out.push(toolCall({ index: ti, id: b['id'], type: 'function', function: { name: b['name'], arguments: args } }));
          } else if (b['type'] === 'text' && typeof b['text'] === 'string' && b['text'] !== '') {
            out.push(chunk({ content: b['text'] }));
          } // thinking and server-tool blocks have no OpenAI equivalent and are skipped
          break;
        }
        case 'content_block_delta': {
          start(out);
          const d = msg['delta'];
          if (!isRecord(d)) break;
          if (d['type'] === 'text_delta' && typeof d['text'] === 'string' && d['text'] !== '') {
            out.push(textChunk(d['text']));
          } else if (d['type'] === 'input_json_delta' && typeof d['partial_json'] === 'string' && d['partial_json'] !== '') {
            const ti = toolIndexByBlock.get(num(msg['index']) ?? -1);
            if (ti !== undefined) out.push(toolCall({ index: ti, function: { arguments: d['partial_json'] } }));
          }
          break;
        }
        case 'message_delta': {
          start(out);
          readUsage(msg['usage']);
          const d = msg['delta'];
          const reason = isRecord(d) && typeof d['stop_reason'] === 'string' ? d['stop_reason'] : null;
          finish = finishReasonFromAnthropic(reason as Parameters<typeof finishReasonFromAnthropic>[0]);
          if (!finishSent) {
            finishSent = true;
            out.push(chunk({}, finish));
          }
          break;
        }
        case 'message_stop':
          return close();
        case 'error': {
          const e = isRecord(msg['error']) ? msg['error'] : {};
          const message = typeof e['message'] === 'string' ? e['message'] : 'Upstream stream error.';
          return fail(message, openaiErrorType(typeof e['type'] === 'string' ? e['type'] : 'api_error'));
        }
        default: // ping, content_block_stop and future event types carry nothing for OpenAI clients
      }
      return out;
    },
  };
}
