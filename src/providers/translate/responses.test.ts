import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/errors.js';
import type { AnthropicMessage, AnthropicStopReason } from '../wire/anthropic.js';
import type { OpenAIChatCompletion, OpenAIFinishReason } from '../wire/openai.js';
import { anthropicResponseToOpenai, openaiResponseToAnthropic } from './responses.js';

const anthropicMsg = (extra: Partial<AnthropicMessage> = {}): AnthropicMessage => ({
  id: 'msg_01XYZ',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-4-5-20250929',
  content: [{ type: 'text', text: 'Hello!' }],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 12, output_tokens: 5, cache_read_input_tokens: 100, cache_creation_input_tokens: 8 },
  ...extra,
});

const openaiCompletion = (message: Record<string, unknown>, finish: OpenAIFinishReason | null = 'stop'): OpenAIChatCompletion => ({
  id: 'chatcmpl-abc',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'gpt-4o-2024-08-06',
  choices: [{ index: 0, message: { role: 'assistant', content: null, refusal: null, ...message }, finish_reason: finish, logprobs: null }],
  usage: { prompt_tokens: 120, completion_tokens: 30, total_tokens: 150, prompt_tokens_details: { cached_tokens: 100 } },
});

describe('anthropicResponseToOpenai', () => {
  it('translates text, tool calls and usage including cache tokens', () => {
    const out = anthropicResponseToOpenai(
      anthropicMsg({
        content: [
          { type: 'thinking', thinking: '...', signature: 's' },
          { type: 'text', text: 'Checking the weather.' },
          { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris', unit: 'c' } },
        ],
        stop_reason: 'tool_use',
      }),
      'my-alias',
      1_700_000_123,
    );
    expect(out).toEqual({
      id: 'msg_01XYZ',
      object: 'chat.completion',
      created: 1_700_000_123,
      model: 'my-alias',
      choices: [
        {
          index: 0,
          finish_reason: 'tool_calls',
          logprobs: null,
          message: {
            role: 'assistant',
            content: 'Checking the weather.',
            refusal: null,
            tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"c"}' } }],
          },
        },
      ],
      usage: { prompt_tokens: 120, completion_tokens: 5, total_tokens: 125, prompt_tokens_details: { cached_tokens: 100 } },
    });
  });

  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
    ['pause_turn', 'stop'],
    ['model_context_window_exceeded', 'length'],
  ] as const)('maps stop_reason %s to finish_reason %s', (reason: AnthropicStopReason, finish) => {
    expect(anthropicResponseToOpenai(anthropicMsg({ stop_reason: reason }), 'm', 0).choices[0]?.finish_reason).toBe(finish);
  });

  it('gives null content when only tools were called', () => {
    const out = anthropicResponseToOpenai(anthropicMsg({ content: [{ type: 'tool_use', id: 't', name: 'f', input: {} }] }), 'm', 0);
    expect(out.choices[0]?.message.content).toBeNull();
    expect(out.choices[0]?.message.tool_calls?.[0]?.function.arguments).toBe('{}');
  });
});

describe('openaiResponseToAnthropic', () => {
  it('translates text, tool calls and usage including cached tokens', () => {
    const out = openaiResponseToAnthropic(
      openaiCompletion(
        {
          content: 'Checking.',
          tool_calls: [
            { id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
            { id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '' } },
          ],
        },
        'tool_calls',
      ),
      'my-alias',
    );
    expect(out).toEqual({
      id: 'chatcmpl-abc',
      type: 'message',
      role: 'assistant',
      model: 'my-alias',
      content: [
        { type: 'text', text: 'Checking.' },
        { type: 'tool_use', id: 'call_a', name: 'get_weather', input: { city: 'Rome' } },
        { type: 'tool_use', id: 'call_b', name: 'get_time', input: {} },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 20, output_tokens: 30, cache_read_input_tokens: 100, cache_creation_input_tokens: null },
    });
  });

  it.each([
    ['stop', 'end_turn'],
    ['length', 'max_tokens'],
    ['tool_calls', 'tool_use'],
    ['function_call', 'tool_use'],
    ['content_filter', 'refusal'],
    [null, 'end_turn'],
  ] as const)('maps finish_reason %s to stop_reason %s', (finish, reason) => {
    expect(openaiResponseToAnthropic(openaiCompletion({ content: 'x' }, finish), 'm').stop_reason).toBe(reason);
  });

  it('turns a refusal into text with stop_reason refusal', () => {
    const out = openaiResponseToAnthropic(openaiCompletion({ refusal: 'I cannot help with that.' }), 'm');
    expect(out.content).toEqual([{ type: 'text', text: 'I cannot help with that.' }]);
    expect(out.stop_reason).toBe('refusal');
  });

  it('reports zero usage when the upstream sent none', () => {
    const res = openaiCompletion({ content: 'x' });
    delete res.usage;
    expect(openaiResponseToAnthropic(res, 'm').usage).toMatchObject({ input_tokens: 0, output_tokens: 0 });
  });

  it.each([
    ['no choices', { ...openaiCompletion({}), choices: [] }],
    ['invalid tool JSON', openaiCompletion({ tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{"a' } }] }, 'length')],
  ])('fails with GW_UPSTREAM_ERROR on %s', (_name, res) => {
    let err: unknown;
    try {
      openaiResponseToAnthropic(res, 'm');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GatewayError);
    expect((err as GatewayError).code).toBe('GW_UPSTREAM_ERROR');
  });
});
