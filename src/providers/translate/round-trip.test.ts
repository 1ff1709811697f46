import { describe, expect, it } from 'vitest';
import type { AnthropicRequest } from '../wire/anthropic.js';
import type { OpenAIRequest } from '../wire/openai.js';
import { anthropicRequestToOpenai } from './anthropic-request-to-openai.js';
import { openaiRequestToAnthropic } from './openai-request-to-anthropic.js';

const openaiReq: OpenAIRequest = {
  model: 'gpt-4o',
  messages: [
    { role: 'system', content: 'You are a travel agent.' },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'Book me a flight like this ticket.' },
        { type: 'image_url', image_url: { url: 'data:image/webp;base64,UklGRg==' } },
      ],
    },
    {
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'call_9', type: 'function', function: { name: 'search_flights', arguments: '{"from":"CDG","to":"FCO","date":"2025-05-01"}' } }],
    },
    { role: 'tool', tool_call_id: 'call_9', content: '[{"flight":"AF1404","price":120}]' },
    { role: 'assistant', content: 'AF1404 costs 120 EUR. Book it?' },
    { role: 'user', content: 'Yes.' },
  ],
  tools: [
    {
      type: 'function',
      function: { name: 'search_flights', description: 'Find flights', parameters: { type: 'object', properties: { from: { type: 'string' } } } },
    },
  ],
  tool_choice: { type: 'function', function: { name: 'search_flights' } },
  parallel_tool_calls: false,
  max_completion_tokens: 800,
  temperature: 0.3,
  top_p: 0.95,
  stop: ['STOP'],
  stream: true,
  stream_options: { include_usage: true },
  user: 'traveller-1',
};

describe('request round trips', () => {
  it('openai -> anthropic -> openai preserves meaning', () => {
    const back = anthropicRequestToOpenai(openaiRequestToAnthropic(openaiReq, 'claude-x'), 'gpt-4o');
    expect(back).toEqual({ ...openaiReq, messages: openaiReq.messages });
  });

  it('anthropic -> openai -> anthropic preserves meaning', () => {
    const anthropicReq: AnthropicRequest = {
      model: 'claude-x',
      max_tokens: 200,
      system: 'Be exact.',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Sum 2 and 3 with the tool.' }] },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_a', name: 'add', input: { a: 2, b: 3 } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_a', content: '5' }] },
      ],
      tools: [{ name: 'add', description: 'Adds', input_schema: { type: 'object', properties: { a: { type: 'number' } } } }],
      tool_choice: { type: 'auto' },
      stop_sequences: ['###'],
      temperature: 0,
      stream: false,
    };
    const back = openaiRequestToAnthropic(anthropicRequestToOpenai(anthropicReq, 'gpt-4o'), 'claude-x');
    const { stream: _stream, ...rest } = anthropicReq;
    expect(back).toEqual(rest);
  });
});
