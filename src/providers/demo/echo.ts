/** @module The built-in `demo-echo` model: answers in OpenAI format, in-process, so a newcomer sees a request go through with no provider key. */

type Msg = { role?: unknown; content?: unknown };

/** The text of the last user message, whatever its content shape. */
function lastUserText(messages: unknown): string {
  if (!Array.isArray(messages)) return '';
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as Msg;
    if (m?.role !== 'user') continue;
    if (typeof m.content === 'string') return m.content;
    if (Array.isArray(m.content)) {
      return m.content
        .map((p: unknown) => (p && typeof p === 'object' && (p as { type?: unknown }).type === 'text' ? String((p as { text?: unknown }).text ?? '') : ''))
        .join('');
    }
  }
  return '';
}

/** Rough token count for the demo's usage figures: one token per four characters. */
function approxTokens(s: string): number {
  return Math.max(1, Math.ceil(s.length / 4));
}

export type EchoInput = { readonly model: string; readonly messages: unknown; readonly id: string; readonly created: number };

export function echoReply(input: EchoInput): string {
  const text = lastUserText(input.messages);
  return text === '' ? 'demo-echo: send a user message and I will repeat it.' : `Echo: ${text}`;
}

export function echoCompletion(input: EchoInput): Record<string, unknown> {
  const reply = echoReply(input);
  const prompt = approxTokens(JSON.stringify(input.messages ?? ''));
  const completion = approxTokens(reply);
  return {
    id: input.id,
    object: 'chat.completion',
    created: input.created,
    model: input.model,
    choices: [{ index: 0, message: { role: 'assistant', content: reply, refusal: null }, finish_reason: 'stop', logprobs: null }],
    usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
  };
}

/** The same answer as OpenAI stream frames, one word per chunk, ending with a usage chunk and `[DONE]`. */
export function echoStreamFrames(input: EchoInput): string[] {
  const reply = echoReply(input);
  const base = { id: input.id, object: 'chat.completion.chunk', created: input.created, model: input.model };
  const frames: string[] = [];
  const push = (o: Record<string, unknown>): void => {
    frames.push(`data: ${JSON.stringify({ ...base, ...o })}\n\n`);
  };
  push({ choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
  const words = reply.match(/\S+\s*/g) ?? [reply];
  for (const w of words) push({ choices: [{ index: 0, delta: { content: w }, finish_reason: null }] });
  push({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
  const prompt = approxTokens(JSON.stringify(input.messages ?? ''));
  const completion = approxTokens(reply);
  push({ choices: [], usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion } });
  frames.push('data: [DONE]\n\n');
  return frames;
}
