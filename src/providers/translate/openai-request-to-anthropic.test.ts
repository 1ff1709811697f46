import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/errors.js';
import type { OpenAIRequest } from '../wire/openai.js';
import { DEFAULT_MAX_TOKENS, openaiRequestToAnthropic } from './openai-request-to-anthropic.js';

const base = (extra: Partial<OpenAIRequest> = {}): OpenAIRequest => ({
  model: 'gpt-4o',
  messages: [{ role: 'user', content: 'Hi' }],
  ...extra,
});

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

describe('openaiRequestToAnthropic', () => {
  it('translates a multi-turn tool conversation', () => {
    const out = openaiRequestToAnthropic(
      {
        model: 'gpt-4o',
        messages: [
          { role: 'system', content: 'You are terse.' },
          { role: 'developer', content: [{ type: 'text', text: 'Answer in English.' }] },
          { role: 'user', content: 'Weather in Paris and Rome?' },
          {
            role: 'assistant',
            content: 'Checking.',
            tool_calls: [
              { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
              { id: 'call_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
            ],
          },
          { role: 'tool', tool_call_id: 'call_1', content: '18C sunny' },
          { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: '24C cloudy' }] },
          { role: 'user', content: 'Thanks. Which is warmer?' },
        ],
        tools: [weatherTool],
        tool_choice: 'auto',
        max_completion_tokens: 300,
        temperature: 0.2,
        stop: 'END',
        stream: true,
        stream_options: { include_usage: true },
        user: 'u-42',
      },
      'claude-sonnet-4-5',
    );
    expect(out).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 300,
      system: [
        { type: 'text', text: 'You are terse.' },
        { type: 'text', text: 'Answer in English.' },
      ],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Rome?' }] },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Checking.' },
            { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
            { type: 'tool_use', id: 'call_2', name: 'get_weather', input: { city: 'Rome' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'call_1', content: '18C sunny' },
            { type: 'tool_result', tool_use_id: 'call_2', content: [{ type: 'text', text: '24C cloudy' }] },
            { type: 'text', text: 'Thanks. Which is warmer?' },
          ],
        },
      ],
      temperature: 0.2,
      stop_sequences: ['END'],
      stream: true,
      metadata: { user_id: 'u-42' },
      tools: [{ name: 'get_weather', description: 'Current weather for a city', input_schema: weatherTool.function.parameters }],
      tool_choice: { type: 'auto' },
    });
  });

  it.each([
    ['auto', undefined, { type: 'auto' }],
    ['none', undefined, { type: 'none' }],
    ['required', undefined, { type: 'any' }],
    [{ type: 'function', function: { name: 'get_weather' } }, undefined, { type: 'tool', name: 'get_weather' }],
    ['required', false, { type: 'any', disable_parallel_tool_use: true }],
    [undefined, false, { type: 'auto', disable_parallel_tool_use: true }],
    [undefined, undefined, undefined],
  ] as const)('maps tool_choice %j (parallel %s) to %j', (choice, parallel, expected) => {
    const req = base({ tools: [weatherTool] });
    if (choice !== undefined) req.tool_choice = choice as NonNullable<OpenAIRequest['tool_choice']>;
    if (parallel !== undefined) req.parallel_tool_calls = parallel;
    expect(openaiRequestToAnthropic(req, 'm').tool_choice).toEqual(expected);
  });

  it('drops tool_choice when no tools are given', () => {
    expect(openaiRequestToAnthropic(base({ tool_choice: 'none' }), 'm')).not.toHaveProperty('tool_choice');
  });

  it.each([
    [{}, DEFAULT_MAX_TOKENS],
    [{ max_tokens: 100 }, 100],
    [{ max_completion_tokens: 50, max_tokens: 100 }, 50],
    [{ max_tokens: null }, DEFAULT_MAX_TOKENS],
  ])('picks max_tokens from %j', (extra, expected) => {
    expect(openaiRequestToAnthropic(base(extra), 'm').max_tokens).toBe(expected);
  });

  it.each([
    [{ stop: ['a', 'b'] }, ['a', 'b']],
    [{ stop: null }, undefined],
    [{ stop: [] }, undefined],
  ])('maps stop %j to stop_sequences', (extra, expected) => {
    expect(openaiRequestToAnthropic(base(extra), 'm').stop_sequences).toEqual(expected);
  });

  it('clamps temperature into Anthropic range and keeps top_p', () => {
    const out = openaiRequestToAnthropic(base({ temperature: 1.7, top_p: 0.9 }), 'm');
    expect(out.temperature).toBe(1);
    expect(out.top_p).toBe(0.9);
  });

  it('uses a plain string system prompt when there is one system message', () => {
    const out = openaiRequestToAnthropic(base({ messages: [{ role: 'system', content: 'Be kind.' }, { role: 'user', content: 'x' }] }), 'm');
    expect(out.system).toBe('Be kind.');
  });

  it('translates data: and https image URLs', () => {
    const out = openaiRequestToAnthropic(
      base({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Compare these' },
              { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'high' } },
              { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
            ],
          },
        ],
      }),
      'm',
    );
    expect(out.messages[0]?.content).toEqual([
      { type: 'text', text: 'Compare these' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
    ]);
  });

  it('merges consecutive user messages and skips empty ones', () => {
    const out = openaiRequestToAnthropic(
      base({ messages: [{ role: 'user', content: 'a' }, { role: 'user', content: '' }, { role: 'user', content: 'b' }, { role: 'assistant', content: '' }] }),
      'm',
    );
    expect(out.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] }]);
  });

  it('treats empty tool arguments as an empty object and sanitises ids for Anthropic', () => {
    const out = openaiRequestToAnthropic(
      base({
        messages: [
          { role: 'user', content: 'time?' },
          { role: 'assistant', content: null, tool_calls: [{ id: 'functions.now:0', type: 'function', function: { name: 'now', arguments: '' } }] },
          { role: 'tool', tool_call_id: 'functions.now:0', content: '12:00' },
        ],
      }),
      'm',
    );
    expect(out.messages[1]?.content).toEqual([{ type: 'tool_use', id: 'functions_now_0', name: 'now', input: {} }]);
    expect(out.messages[2]?.content).toEqual([{ type: 'tool_result', tool_use_id: 'functions_now_0', content: '12:00' }]);
  });

  it.each([
    ['n > 1', base({ n: 2 })],
    ['invalid tool arguments JSON', base({ messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{"a":' } }] }] })],
    ['non-object tool arguments', base({ messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '[1]' } }] }] })],
    ['an svg data URL', base({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/svg+xml;base64,AAA' } }] }] })],
    ['a non-base64 data URL', base({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png,abc' } }] }] })],
    ['a file: URL', base({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'file:///etc/passwd' } }] }] })],
    ['an audio part', base({ messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: '', format: 'wav' } }] }] })],
    ['legacy functions', base({ functions: [{ name: 'f' }] })],
    ['allowed_tools tool_choice', base({ tools: [weatherTool], tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'auto', tools: [] } } })],
    ['a custom tool', base({ tools: [{ type: 'custom', custom: { name: 'x' } }] })],
    ['no conversation', base({ messages: [{ role: 'system', content: 'only system' }] })],
    ['a zero max_tokens', base({ max_tokens: 0 })],
    ['messages that are not an array', { model: 'x', messages: 'hi' } as unknown as OpenAIRequest],
  ])('rejects %s with GW_REQUEST_INVALID', (_name, req) => {
    expect(() => openaiRequestToAnthropic(req, 'm')).toThrow(GatewayError);
    try {
      openaiRequestToAnthropic(req, 'm');
    } catch (e) {
      expect((e as GatewayError).code).toBe('GW_REQUEST_INVALID');
    }
  });
});
