/** @module Anthropic Messages wire shapes (request, response, stream events) as Warden reads and writes them. */

/** Fields Warden does not interpret stay reachable, so unknown options can pass through or be reported. */
type Open = { [k: string]: unknown };

export type AnthropicImageMediaType = 'image/jpeg' | 'image/png' | 'image/gif' | 'image/webp';
export type AnthropicImageSource =
  | { type: 'base64'; media_type: AnthropicImageMediaType; data: string }
  | { type: 'url'; url: string }
  | ({ type: 'file' } & Open);

export type AnthropicTextBlock = { type: 'text'; text: string } & Open;
export type AnthropicImageBlock = { type: 'image'; source: AnthropicImageSource } & Open;
export type AnthropicToolUseBlock = { type: 'tool_use'; id: string; name: string; input: unknown } & Open;
export type AnthropicToolResultBlock = {
  type: 'tool_result';
  tool_use_id: string;
  content?: string | (AnthropicTextBlock | AnthropicImageBlock | AnthropicOtherBlock)[];
  is_error?: boolean;
} & Open;
export type AnthropicThinkingBlock = { type: 'thinking' | 'redacted_thinking' } & Open;
/** Blocks Warden does not translate (document, server tools, search results, ...). */
export type AnthropicOtherBlock = {
  type: 'document' | 'search_result' | 'server_tool_use' | 'web_search_tool_result' | 'container_upload';
} & Open;
export type AnthropicContentBlock =
  | AnthropicTextBlock
  | AnthropicImageBlock
  | AnthropicToolUseBlock
  | AnthropicToolResultBlock
  | AnthropicThinkingBlock
  | AnthropicOtherBlock;

export type AnthropicMessageParam = {
  /** `system` inside `messages` is accepted by newer API versions; the top-level `system` is the classic form. */
  role: 'user' | 'assistant' | 'system';
  content: string | AnthropicContentBlock[];
} & Open;

export type AnthropicTool = {
  name: string;
  description?: string;
  input_schema: Record<string, unknown>;
  /** Absent or `custom` for client tools; other values name server tools (web_search_..., bash_...). */
  type?: string | null;
  strict?: boolean;
} & Open;

export type AnthropicToolChoice =
  | { type: 'auto'; disable_parallel_tool_use?: boolean }
  | { type: 'any'; disable_parallel_tool_use?: boolean }
  | { type: 'tool'; name: string; disable_parallel_tool_use?: boolean }
  | { type: 'none' };

export type AnthropicRequest = {
  model: string;
  max_tokens: number;
  messages: AnthropicMessageParam[];
  system?: string | AnthropicTextBlock[];
  temperature?: number;
  top_p?: number;
  top_k?: number;
  stop_sequences?: string[];
  stream?: boolean;
  tools?: AnthropicTool[];
  tool_choice?: AnthropicToolChoice;
  metadata?: { user_id?: string | null } & Open;
} & Open;

export type AnthropicStopReason =
  | 'end_turn'
  | 'max_tokens'
  | 'stop_sequence'
  | 'tool_use'
  | 'pause_turn'
  | 'refusal'
  | 'model_context_window_exceeded';

export type AnthropicUsage = {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
} & Open;

export type AnthropicMessage = {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: AnthropicContentBlock[];
  stop_reason: AnthropicStopReason | null;
  stop_sequence: string | null;
  usage: AnthropicUsage;
} & Open;

/** Usage in `message_delta`: cumulative; `input_tokens` may be null or absent. */
export type AnthropicDeltaUsage = {
  output_tokens: number;
  input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
} & Open;

export type AnthropicBlockDelta =
  | { type: 'text_delta'; text: string }
  | { type: 'input_json_delta'; partial_json: string }
  | ({ type: 'thinking_delta' | 'signature_delta' | 'citations_delta' } & Open);

export type AnthropicErrorBody = { type: 'error'; error: { type: string; message: string } };

export type AnthropicStreamEvent =
  | { type: 'message_start'; message: AnthropicMessage }
  | { type: 'content_block_start'; index: number; content_block: AnthropicContentBlock }
  | { type: 'content_block_delta'; index: number; delta: AnthropicBlockDelta }
  | { type: 'content_block_stop'; index: number }
  | {
      type: 'message_delta';
      delta: { stop_reason: AnthropicStopReason | null; stop_sequence: string | null } & Open;
      usage: AnthropicDeltaUsage;
    }
  | { type: 'message_stop' }
  | { type: 'ping' }
  | AnthropicErrorBody;
