/** @module OpenAI Chat Completions wire shapes (request, response, stream chunk) as Warden reads and writes them. */

/** Fields Warden does not interpret stay reachable, so unknown options can pass through or be reported. */
type Open = { [k: string]: unknown };

export type OpenAITextPart = { type: 'text'; text: string } & Open;
export type OpenAIImagePart = { type: 'image_url'; image_url: { url: string; detail?: 'auto' | 'low' | 'high' } } & Open;
export type OpenAIRefusalPart = { type: 'refusal'; refusal: string } & Open;
/** Parts Warden does not translate (input_audio, file, ...): kept typed as open records. */
export type OpenAIOtherPart = { type: 'input_audio' | 'file' } & Open;
export type OpenAIContentPart = OpenAITextPart | OpenAIImagePart | OpenAIRefusalPart | OpenAIOtherPart;

export type OpenAIToolCall = {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
} & Open;

export type OpenAISystemMessage = { role: 'system' | 'developer'; content: string | OpenAITextPart[]; name?: string } & Open;
export type OpenAIUserMessage = { role: 'user'; content: string | OpenAIContentPart[]; name?: string } & Open;
export type OpenAIAssistantMessage = {
  role: 'assistant';
  content?: string | (OpenAITextPart | OpenAIRefusalPart)[] | null;
  refusal?: string | null;
  tool_calls?: OpenAIToolCall[];
  /** Legacy function calling; Warden rejects it when translating. */
  function_call?: { name: string; arguments: string } | null;
  name?: string;
} & Open;
export type OpenAIToolMessage = { role: 'tool'; content: string | OpenAITextPart[]; tool_call_id: string } & Open;
/** Legacy `function` role; Warden rejects it when translating. */
export type OpenAIFunctionMessage = { role: 'function'; content: string | null; name: string } & Open;
export type OpenAIMessage =
  | OpenAISystemMessage
  | OpenAIUserMessage
  | OpenAIAssistantMessage
  | OpenAIToolMessage
  | OpenAIFunctionMessage;

export type OpenAIFunctionTool = {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean | null };
} & Open;
/** Custom (free-text) tools; Warden rejects them when translating. */
export type OpenAICustomTool = { type: 'custom'; custom: { name: string; description?: string } & Open } & Open;
export type OpenAITool = OpenAIFunctionTool | OpenAICustomTool;

export type OpenAIToolChoice =
  | 'none'
  | 'auto'
  | 'required'
  | { type: 'function'; function: { name: string } }
  | ({ type: 'allowed_tools' | 'custom' } & Open);

export type OpenAIRequest = {
  model: string;
  messages: OpenAIMessage[];
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  n?: number | null;
  stop?: string | string[] | null;
  stream?: boolean | null;
  stream_options?: ({ include_usage?: boolean } & Open) | null;
  tools?: OpenAITool[];
  tool_choice?: OpenAIToolChoice;
  parallel_tool_calls?: boolean;
  user?: string;
} & Open;

export type OpenAIFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call';

export type OpenAIUsage = {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: ({ cached_tokens?: number } & Open) | null;
} & Open;

export type OpenAIResponseMessage = {
  role: 'assistant';
  content: string | null;
  refusal: string | null;
  tool_calls?: OpenAIToolCall[];
} & Open;

export type OpenAIChatCompletion = {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: { index: number; message: OpenAIResponseMessage; finish_reason: OpenAIFinishReason | null; logprobs: unknown }[];
  usage?: OpenAIUsage;
} & Open;

export type OpenAIToolCallDelta = {
  index: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
};

export type OpenAIChunkDelta = {
  role?: 'assistant';
  content?: string | null;
  refusal?: string | null;
  tool_calls?: OpenAIToolCallDelta[];
} & Open;

export type OpenAIChunk = {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: { index: number; delta: OpenAIChunkDelta; finish_reason: OpenAIFinishReason | null; logprobs?: unknown }[];
  usage?: OpenAIUsage | null;
} & Open;

/** Body of an OpenAI error, both as HTTP body and as an in-stream `data: {"error":...}` frame. */
export type OpenAIErrorBody = { error: { message: string; type: string; code: string | null; param?: string | null } };
