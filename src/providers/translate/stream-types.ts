/** @module The contract shared by both stream translators, and the frame serializers they use. */
import type { TokenUsage } from './mapping.js';

/** One upstream SSE event as the parser yields it. */
export type UpstreamEvent = { event?: string; data: string };

/** Stateful translator of one streamed response; every returned string is a complete SSE frame for the client. */
export type StreamTranslator = {
  /** Translates one upstream event; after the final or an error frame it returns nothing. */
  push(ev: UpstreamEvent): string[];
  /** Upstream ended: closing frames if it had finished the message, else an error frame. */
  end(): string[];
  /** Token usage seen so far, normalised. */
  usage(): TokenUsage;
};

/** An OpenAI stream frame; JSON.stringify never emits a raw newline, so one `data:` line suffices. */
export function openaiFrame(body: unknown): string {
  return 'data: ' + JSON.stringify(body) + '\n\n';
}

/** The terminator OpenAI clients wait for. */
export const OPENAI_DONE_FRAME = 'data: [DONE]\n\n';

/** An Anthropic stream frame; its SDK ignores frames without an `event:` line. */
export function anthropicFrame(type: string, body: unknown): string {
  return 'event: ' + type + '\ndata: ' + JSON.stringify(body) + '\n\n';
}
