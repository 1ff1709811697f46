/** @module Translates an OpenAI chat.completion.chunk stream into Anthropic Messages event frames. */
import type { OpenAIFinishReason } from '../wire/openai.js';
import { anthropicErrorType, isRecord, stopReasonFromOpenai, usageFromOpenai, usageToAnthropic } from './mapping.js';
import type { TokenUsage } from './mapping.js';
import { anthropicFrame } from './stream-types.js';
import type { StreamTranslator, UpstreamEvent } from './stream-types.js';

type Block = { kind: 'text' | 'tool'; index: number };

const FINISH_REASONS: readonly string[] = ['stop', 'length', 'tool_calls', 'content_filter', 'function_call'];

/** OpenAI SSE to Anthropic SSE. Ask the upstream for stream_options.include_usage, or token counts stay 0. */
export function createOpenaiToAnthropicStream(opts: { model: string; id: string }): StreamTranslator {
  let done = false;
  let started = false;
  let current: Block | null = null;
  let nextBlock = 0;
  let finish: OpenAIFinishReason | null = null;
  let refused = false;
  let seen: TokenUsage = { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 };
  const blockByTool = new Map<number, number>();

  const start = (out: string[]): void => {
    if (started) return;
    started = true;
    // OpenAI reports usage only at the end: message_start carries zeros, message_delta the real counts.
    const message = {
      id: opts.id,
      type: 'message',
      role: 'assistant',
      model: opts.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { ...usageToAnthropic(seen), output_tokens: 0 },
    };
    out.push(anthropicFrame('message_start', { type: 'message_start', message }));
  };
  const closeBlock = (out: string[]): void => {
    if (current === null) return;
    out.push(anthropicFrame('content_block_stop', { type: 'content_block_stop', index: current.index }));
    current = null;
  };
  const open = (out: string[], kind: Block['kind'], contentBlock: Record<string, unknown>): number => {
    closeBlock(out);
    const index = nextBlock++;
    current = { kind, index };
    out.push(anthropicFrame('content_block_start', { type: 'content_block_start', index, content_block: contentBlock }));
    return index;
  };
  const text = (out: string[], t: string): void => {
    const index = current !== null && current.kind === 'text' ? current.index : open(out, 'text', { type: 'text', text: '' });
    // Hot path: one frame per token, so only the text is serialised per call.
    out.push(`event: content_block_delta\ndata: {"type":"content_block_delta","index":${index},"delta":{"type":"text_delta","text":${JSON.stringify(t)}}}\n\n`);
  };
  const toolDelta = (out: string[], tc: Record<string, unknown>, position: number): void => {
    const ti = typeof tc['index'] === 'number' ? tc['index'] : position;
    const fn = isRecord(tc['function']) ? tc['function'] : {};
    let index = blockByTool.get(ti);
    if (index === undefined) {
      const id = typeof tc['id'] === 'string' && tc['id'] !== '' ? tc['id'] : `toolu_${opts.id}_${ti}`;
      const name = typeof fn['name'] === 'string' ? fn['name'] : '';
      index = open(out, 'tool', { type: 'tool_use', id, name, input: {} });
      blockByTool.set(ti, index);
    }
    // A late fragment for an earlier, already stopped tool block keeps its index: clients accumulate by index.
    const args = fn['arguments'];
    if (typeof args === 'string' && args !== '') {
      out.push(anthropicFrame('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: args } }));
    }
  };
  const fail = (message: string, type: string): string[] => {
    done = true;
    return [anthropicFrame('error', { type: 'error', error: { type, message } })];
  };
  const close = (): string[] => {
    const out: string[] = [];
    start(out);
    closeBlock(out);
    const stopReason = refused && finish === 'stop' ? 'refusal' : stopReasonFromOpenai(finish);
    const u = usageToAnthropic(seen);
    out.push(
      anthropicFrame('message_delta', {
        type: 'message_delta',
        delta: { stop_reason: stopReason, stop_sequence: null },
        usage: { output_tokens: u.output_tokens, input_tokens: u.input_tokens, cache_read_input_tokens: u.cache_read_input_tokens },
      }),
    );
    out.push(anthropicFrame('message_stop', { type: 'message_stop' }));
    done = true;
    return out;
  };

  return {
    usage: () => seen,
    end: () => (done ? [] : finish !== null ? close() : fail('Upstream stream ended before the message was complete.', 'api_error')),
    push(ev: UpstreamEvent): string[] {
      if (done) return [];
      if (ev.data.startsWith('[DONE]')) return finish !== null || started ? close() : fail('Upstream stream ended without a message.', 'api_error');
      let msg: unknown;
      try {
        msg = JSON.parse(ev.data);
      } catch {
        return fail('Upstream sent a stream event that is not JSON.', 'api_error');
      }
      if (!isRecord(msg)) return fail('Upstream sent a stream event that is not an object.', 'api_error');
      if (msg['error'] !== undefined && msg['error'] !== null) {
        const e = isRecord(msg['error']) ? msg['error'] : {};
        const message = typeof e['message'] === 'string' ? e['message'] : 'Upstream stream error.';
        // OpenAI puts the precise kind in `code` (rate_limit_exceeded) and a coarse one in `type` (requests).
        const byCode = anthropicErrorType(typeof e['code'] === 'string' ? e['code'] : '');
        return fail(message, byCode !== 'api_error' ? byCode : anthropicErrorType(typeof e['type'] === 'string' ? e['type'] : ''));
      }
      const out: string[] = [];
      start(out);
      if (isRecord(msg['usage'])) seen = usageFromOpenai(msg['usage']);
      const choices = Array.isArray(msg['choices']) ? msg['choices'] : [];
      // n is 1 on this path (requests with n > 1 are rejected), so only choice 0 is translated.
      const choice: unknown = choices.find((c) => isRecord(c) && c['index'] === 0) ?? choices[0];
      if (!isRecord(choice)) return out;
      const d = isRecord(choice['delta']) ? choice['delta'] : {};
      if (typeof d['content'] === 'string' && d['content'] !== '') text(out, d['content']);
      if (typeof d['refusal'] === 'string' && d['refusal'] !== '') {
        refused = true;
        text(out, d['refusal']);
      }
      if (Array.isArray(d['tool_calls'])) d['tool_calls'].forEach((tc, i) => isRecord(tc) && toolDelta(out, tc, i));
      const fr = choice['finish_reason'];
      if (typeof fr === 'string') {
        finish = FINISH_REASONS.includes(fr) ? (fr as OpenAIFinishReason) : 'stop';
        closeBlock(out);
      }
      return out;
    },
  };
}
