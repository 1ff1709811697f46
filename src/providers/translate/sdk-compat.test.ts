/**
 * The translated streams must satisfy the official SDKs' own SSE decoders and accumulators, not only our reading
 * of the protocols. (Uses dev-only SDK imports; move to test/contract if the room rules forbid them here.)
 */
import { MessageStream } from '@anthropic-ai/sdk/lib/MessageStream';
import { Stream as AnthropicSdkStream } from '@anthropic-ai/sdk/core/streaming';
import { ChatCompletionStream } from 'openai/lib/ChatCompletionStream';
import { Stream as OpenAISdkStream } from 'openai/core/streaming';
import { describe, expect, it } from 'vitest';
import { serializeSse } from '../sse/parser.js';
import type { SseEvent } from '../sse/parser.js';
import { createAnthropicToOpenaiStream } from './anthropic-to-openai-stream.js';
import { createOpenaiToAnthropicStream } from './openai-to-anthropic-stream.js';

const a = (type: string, body: Record<string, unknown>): SseEvent => ({ event: type, data: JSON.stringify({ type, ...body }) });
const od = (delta: Record<string, unknown>, finish: string | null = null): SseEvent => ({
  data: JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o', choices: [{ index: 0, delta, finish_reason: finish }] }),
});

/** Feeds frames to an SDK in small byte pieces, as a socket would. */
const body = (frames: string[]): Response => {
  const bytes = new TextEncoder().encode(frames.join(''));
  const rs = new ReadableStream<Uint8Array>({
    start(c) {
      for (let i = 0; i < bytes.length; i += 7) c.enqueue(bytes.slice(i, i + 7));
      c.close();
    },
  });
  return new Response(rs, { headers: { 'content-type': 'text/event-stream' } });
};

describe('official SDK compatibility', () => {
  it('the OpenAI SDK accumulates a translated Anthropic stream into the same completion', async () => {
    const t = createAnthropicToOpenaiStream({ model: 'alias', id: 'chatcmpl-1', created: 99, includeUsage: true });
    const upstream: SseEvent[] = [
      a('message_start', { message: { id: 'm', type: 'message', role: 'assistant', content: [], model: 'c', stop_reason: null, stop_sequence: null, usage: { input_tokens: 7, output_tokens: 1 } } }),
      a('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
      a('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'Sure, ' } }),
      a('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'calling.' } }),
      a('content_block_stop', { index: 0 }),
      a('content_block_start', { index: 1, content_block: { type: 'tool_use', id: 'toolu_9', name: 'lookup', input: {} } }),
      a('content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: '{"id":' } }),
      a('content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: ' 42}' } }),
      a('content_block_stop', { index: 1 }),
      a('message_delta', { delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 12 } }),
      a('message_stop', {}),
    ];
    const frames = [...upstream.flatMap((e) => t.push(e)), ...t.end()];
    const sdk = OpenAISdkStream.fromSSEResponse(body(frames), new AbortController());
    const final = await ChatCompletionStream.fromReadableStream(sdk.toReadableStream()).finalChatCompletion();
    expect(final.choices[0]?.message.content).toBe('Sure, calling.');
    expect(final.choices[0]?.message.tool_calls).toEqual([{ id: 'toolu_9', type: 'function', function: { name: 'lookup', arguments: '{"id": 42}' } }]);
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
    expect(final.usage).toMatchObject({ prompt_tokens: 7, completion_tokens: 12, total_tokens: 19 });
  });

  it('the OpenAI SDK raises the translated upstream error', async () => {
    const t = createAnthropicToOpenaiStream({ model: 'alias', id: 'x', created: 1, includeUsage: false });
    const frames = [a('error', { error: { type: 'overloaded_error', message: 'Overloaded' } })].flatMap((e) => t.push(e));
    const sdk = OpenAISdkStream.fromSSEResponse(body(frames), new AbortController());
    await expect(async () => {
      for await (const _ of sdk) void _;
    }).rejects.toThrow(/Overloaded/);
  });

  it('the Anthropic SDK accumulates a translated OpenAI stream into the same message', async () => {
    const t = createOpenaiToAnthropicStream({ model: 'alias', id: 'msg_1' });
    const upstream: SseEvent[] = [
      od({ role: 'assistant', content: '' }),
      od({ content: 'Sure, ' }),
      od({ content: 'calling.' }),
      od({ tool_calls: [{ index: 0, id: 'call_9', type: 'function', function: { name: 'lookup', arguments: '' } }] }),
      od({ tool_calls: [{ index: 0, function: { arguments: '{"id":' } }] }),
      od({ tool_calls: [{ index: 0, function: { arguments: ' 42}' } }] }),
      od({}, 'tool_calls'),
      { data: JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o', choices: [], usage: { prompt_tokens: 7, completion_tokens: 12, total_tokens: 19 } }) },
      { data: '[DONE]' },
    ];
    const frames = [...upstream.flatMap((e) => t.push(e)), ...t.end()];
    const sdk = AnthropicSdkStream.fromSSEResponse(body(frames), new AbortController());
    const final = await MessageStream.fromReadableStream(sdk.toReadableStream()).finalMessage();
    expect(final.content).toMatchObject([
      { type: 'text', text: 'Sure, calling.' },
      { type: 'tool_use', id: 'call_9', name: 'lookup', input: { id: 42 } },
    ]);
    expect(final.stop_reason).toBe('tool_use');
    expect(final.usage).toMatchObject({ input_tokens: 7, output_tokens: 12 });
  });

  it('the Anthropic SDK raises the translated upstream error', async () => {
    const t = createOpenaiToAnthropicStream({ model: 'alias', id: 'msg_1' });
    const frames = [od({ role: 'assistant', content: 'Hi' }), { data: JSON.stringify({ error: { message: 'Server melted', type: 'server_error', code: null } }) }].flatMap((e) => t.push(e));
    const sdk = AnthropicSdkStream.fromSSEResponse(body(frames), new AbortController());
    await expect(async () => {
      for await (const _ of sdk) void _;
    }).rejects.toThrow(/Server melted/);
  });

  it('serializeSse frames survive the SDK decoder unchanged', async () => {
    const ev = { event: 'content_block_delta', data: JSON.stringify({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'a\nb' } }) };
    const sdk = AnthropicSdkStream.fromSSEResponse<unknown>(body([serializeSse(ev)]), new AbortController());
    const got: unknown[] = [];
    for await (const x of sdk) got.push(x);
    expect(got).toEqual([JSON.parse(ev.data)]);
  });
});
