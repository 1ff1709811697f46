/** @module Public face of the OpenAI ⇄ Anthropic wire translation. */
export { openaiRequestToAnthropic, DEFAULT_MAX_TOKENS } from './openai-request-to-anthropic.js';
export { anthropicRequestToOpenai } from './anthropic-request-to-openai.js';
export { anthropicResponseToOpenai, openaiResponseToAnthropic } from './responses.js';
export { createAnthropicToOpenaiStream } from './anthropic-to-openai-stream.js';
export { createOpenaiToAnthropicStream } from './openai-to-anthropic-stream.js';
export { finishReasonFromAnthropic, stopReasonFromOpenai } from './mapping.js';
export type { TokenUsage } from './mapping.js';
export type { StreamTranslator, UpstreamEvent } from './stream-types.js';
