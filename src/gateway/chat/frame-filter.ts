/** @module Runs the output guard over the text inside the caller-format SSE frames, flushing held-back text before a block ends. */
import type { SseEvent } from '../../providers/sse/parser.js';
import type { ApiFormat } from '../error-body.js';
import type { OutputTextFilter } from '../guard-hooks.js';

export type FilteredFrame = { readonly frames: string[]; readonly blocked?: string };

type OpenAIChunkLike = { choices?: { index?: number; delta?: { content?: unknown }; finish_reason?: unknown }[] } & Record<string, unknown>;

function frame(format: ApiFormat, ev: SseEvent, data: string): string {
  return format === 'anthropic' || ev.event !== undefined ? `event: ${ev.event ?? 'message'}\ndata: ${data}\n\n` : `data: ${data}\n\n`;
}

/** Filters one caller-format event; returns the frames to send (possibly none, possibly an extra flush frame). */
export async function filterFrame(format: ApiFormat, ev: SseEvent, filter: OutputTextFilter): Promise<FilteredFrame> {
  if (format === 'openai') {
    if (ev.data === '[DONE]' || !ev.data.includes('"choices"')) return { frames: [frame(format, ev, ev.data)] };
    const chunk = JSON.parse(ev.data) as OpenAIChunkLike;
    const choice = chunk.choices?.[0];
    if (!choice) return { frames: [frame(format, ev, ev.data)] };
    const out: string[] = [];
    if (typeof choice.delta?.content === 'string') {
      const r = await filter.push(choice.delta.content);
      if (r.blocked !== undefined) return { frames: [], blocked: r.blocked };
      choice.delta.content = r.emit;
    }
    if (choice.finish_reason !== null && choice.finish_reason !== undefined) {
      const r = await filter.end();
      if (r.blocked !== undefined) return { frames: [], blocked: r.blocked };
      if (r.emit !== '') {
        const flush = { ...chunk, choices: [{ index: choice.index ?? 0, delta: { content: r.emit }, finish_reason: null }] };
        out.push(frame(format, ev, JSON.stringify(flush)));
      }
    }
    out.push(frame(format, ev, JSON.stringify(chunk)));
    return { frames: out };
  }
  if (ev.event === 'content_block_delta') {
    const d = JSON.parse(ev.data) as { delta?: { type?: string; text?: unknown } };
    if (d.delta?.type === 'text_delta' && typeof d.delta.text === 'string') {
      const r = await filter.push(d.delta.text);
      if (r.blocked !== undefined) return { frames: [], blocked: r.blocked };
      if (r.emit === '') return { frames: [] };
      d.delta.text = r.emit;
      return { frames: [frame(format, ev, JSON.stringify(d))] };
    }
  } else if (ev.event === 'content_block_stop') {
    const r = await filter.end();
    if (r.blocked !== undefined) return { frames: [], blocked: r.blocked };
    const out: string[] = [];
    if (r.emit !== '') {
      const idx = (JSON.parse(ev.data) as { index?: number }).index ?? 0;
      out.push(frame(format, { event: 'content_block_delta', data: '' }, JSON.stringify({ type: 'content_block_delta', index: idx, delta: { type: 'text_delta', text: r.emit } })));
    }
    out.push(frame(format, ev, ev.data));
    return { frames: out };
  }
  return { frames: [frame(format, ev, ev.data)] };
}
