import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/errors.js';
import type { AnthropicRequest } from '../wire/anthropic.js';
import { anthropicRequestToOpenai } from './anthropic-request-to-openai.js';

const base = (extra: Partial<AnthropicRequest> = {}): AnthropicRequest => ({
  model: 'claude-sonnet-4-5',
  max_tokens: 1024,
  messages: [{ role: 'user', content: 'Hi' }],
  ...extra,
});

const searchTool = {
  name: 'search_docs',
  description: 'Search internal docs',
  input_schema: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] },
};

describe('anthropicRequestToOpenai', () => {
  it('translates a multi-turn tool conversation with images and errors', () => {
    const out = anthropicRequestToOpenai(
      {
        model: 'claude-sonnet-4-5',
        max_tokens: 512,
        system: [{ type: 'text', text: 'You are a support bot.' }, { type: 'text', text: 'Cite sources.', cache_control: { type: 'ephemeral' } }],
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What does this error mean?' },
              { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/4AAQ' } },
            ],
          },
          {
            role: 'assistant',
            content: [
              { type: 'thinking', thinking: 'need docs', signature: 'sig' },
              { type: 'text', text: 'Let me search.' },
              { type: 'tool_use', id: 'toolu_01', name: 'search_docs', input: { q: 'E42' } },
              { type: 'tool_use', id: 'toolu_02', name: 'search_docs', input: { q: 'E42 fix' } },
            ],
          },
          {
            role: 'user',
            content: [
              { type: 'tool_result', tool_use_id: 'toolu_01', content: [{ type: 'text', text: 'E42: disk full' }] },
              { type: 'tool_result', tool_use_id: 'toolu_02', content: 'timeout', is_error: true },
              { type: 'text', text: 'Go on.' },
            ],
          },
        ],
        tools: [searchTool],
        tool_choice: { type: 'any', disable_parallel_tool_use: true },
        stop_sequences: ['\n\nHuman:'],
        temperature: 0.5,
        top_p: 0.8,
        top_k: 40,
        stream: true,
        metadata: { user_id: 'u-7' },
      },
      'gpt-4o',
    );
    expect(out).toEqual({
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'You are a support bot.' }, { type: 'text', text: 'Cite sources.' }] },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What does this error mean?' },
            { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4AAQ' } },
          ],
        },
        {
          role: 'assistant',
          content: 'Let me search.',
          tool_calls: [
            { id: 'toolu_01', type: 'function', function: { name: 'search_docs', arguments: '{"q":"E42"}' } },
            { id: 'toolu_02', type: 'function', function: { name: 'search_docs', arguments: '{"q":"E42 fix"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'toolu_01', content: 'E42: disk full' },
        { role: 'tool', tool_call_id: 'toolu_02', content: 'Error: timeout' },
        { role: 'user', content: 'Go on.' },
      ],
      max_completion_tokens: 512,
      temperature: 0.5,
      top_p: 0.8,
      stop: ['\n\nHuman:'],
      stream: true,
      stream_options: { include_usage: true },
      user: 'u-7',
      tools: [{ type: 'function', function: { name: 'search_docs', description: 'Search internal docs', parameters: searchTool.input_schema } }],
      tool_choice: 'required',
      parallel_tool_calls: false,
    });
  });

  it.each([
    [{ type: 'auto' }, 'auto'],
    [{ type: 'any' }, 'required'],
    [{ type: 'none' }, 'none'],
    [{ type: 'tool', name: 'search_docs' }, { type: 'function', function: { name: 'search_docs' } }],
  ] as const)('maps tool_choice %j to %j', (choice, expected) => {
    const out = anthropicRequestToOpenai(base({ tools: [searchTool], tool_choice: choice }), 'm');
    expect(out.tool_choice).toEqual(expected);
    expect(out).not.toHaveProperty('parallel_tool_calls');
  });

  it('keeps a string system prompt and url images', () => {
    const out = anthropicRequestToOpenai(
      base({
        system: 'Be brief.',
        messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } }] }],
      }),
      'm',
    );
    expect(out.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/a.png' } }] },
    ]);
  });

  it('moves images inside a tool_result to the user message that follows', () => {
    const out = anthropicRequestToOpenai(
      base({
        messages: [
          { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'screenshot', input: {} }] },
          {
            role: 'user',
            content: [
              {
                type: 'tool_result',
                tool_use_id: 't1',
                content: [{ type: 'text', text: 'done' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AA' } }],
              },
            ],
          },
        ],
      }),
      'm',
    );
    expect(out.messages.slice(1)).toEqual([
      { role: 'tool', tool_call_id: 't1', content: 'done' },
      { role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,AA' } }] },
    ]);
  });

  it('does not ask for usage when not streaming and gives an empty assistant turn empty content', () => {
    const out = anthropicRequestToOpenai(base({ messages: [{ role: 'user', content: 'a' }, { role: 'assistant', content: [] }] }), 'm');
    expect(out).not.toHaveProperty('stream_options');
    expect(out.messages[1]).toEqual({ role: 'assistant', content: '' });
  });

  it.each([
    ['a server tool', base({ tools: [{ name: 'web_search', type: 'web_search_20250305', input_schema: {} }] })],
    ['a document block', base({ messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'x' } }] }] })],
    ['a file image source', base({ messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'file', file_id: 'f' } }] }] })],
    ['an unknown role', base({ messages: [{ role: 'tool', content: 'x' } as unknown as AnthropicRequest['messages'][number]] })],
    ['an unknown tool_choice', base({ tools: [searchTool], tool_choice: { type: 'sometimes' } as unknown as AnthropicRequest['tool_choice'] & object })],
  ])('rejects %s with GW_REQUEST_INVALID', (_name, req) => {
    let err: unknown;
    try {
      anthropicRequestToOpenai(req, 'm');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GatewayError);
    expect((err as GatewayError).code).toBe('GW_REQUEST_INVALID');
  });
});
