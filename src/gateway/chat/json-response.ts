/** @module A whole (non-streamed) completion: read, check, translate to the caller's shape, filter its text, send. */
import type { ServerResponse } from 'node:http';
import { GatewayError } from '../../core/errors.js';
import { anthropicResponseToOpenai, openaiResponseToAnthropic } from '../../providers/translate/responses.js';
import { usageFromAnthropic, usageFromOpenai } from '../../providers/translate/mapping.js';
import type { AnthropicMessage } from '../../providers/wire/anthropic.js';
import type { OpenAIChatCompletion } from '../../providers/wire/openai.js';
import type { OutputTextFilter } from '../guard-hooks.js';
import { upstreamFailure } from '../upstream.js';
import type { CallResult } from './call.js';
import type { RequestState } from './request-state.js';

const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

export async function sendJsonCompletion(res: ServerResponse, st: RequestState, result: CallResult, output: OutputTextFilter | undefined): Promise<void> {
  let text: string;
  try {
    text = await result.response.text(MAX_RESPONSE_BYTES);
  } catch (err) {
    await result.response.dump();
    throw err instanceof GatewayError ? err : upstreamBroke(err, res);
  } finally {
    result.done();
  }
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new GatewayError('GW_UPSTREAM_ERROR', 'The upstream provider sent a body that is not JSON.');
  }
  if (parsed === null || typeof parsed !== 'object') throw new GatewayError('GW_UPSTREAM_ERROR', 'The upstream provider sent an unexpected body.');

  const u = result.upstreamFormat === 'openai'
    ? usageFromOpenai((parsed as OpenAIChatCompletion).usage)
    : usageFromAnthropic((parsed as AnthropicMessage).usage);
  st.usage = { inputTokens: u.inputTokens, outputTokens: u.outputTokens };

  let out: Record<string, unknown> = parsed;
  let changed = false;
  if (result.upstreamFormat !== st.format) {
    out = st.format === 'openai'
      ? (anthropicResponseToOpenai(parsed as AnthropicMessage, st.servedModel ?? '', Math.floor(st.at / 1000)) as unknown as Record<string, unknown>)
      : (openaiResponseToAnthropic(parsed as OpenAIChatCompletion, st.servedModel ?? '') as unknown as Record<string, unknown>);
    changed = true;
  }
  st.completionChars = completionText(out, st.format).reduce((n, t) => n + t.length, 0);
  if (output) {
    await filterCompletion(out, st.format, output);
    st.guard = [...st.guard, ...output.findings()];
    changed = true;
  }
  sendRaw(res, st, changed ? JSON.stringify(out) : text);
}

/**
 * Writes the answer in one go: head and body leave in one write. Content-length is set here, or Node would
 * switch to chunked encoding.
 */
function sendRaw(res: ServerResponse, st: RequestState, body: string): void {
  const headers = st.resHeaders;
  headers['content-type'] = 'application/json';
  headers['content-length'] = Buffer.byteLength(body);
  res.writeHead(200, headers);
  res.end(body);
}

function upstreamBroke(err: unknown, res: ServerResponse): GatewayError {
  if (res.destroyed) return new GatewayError('GW_UPSTREAM_ERROR', 'The client went away.', { cause: err });
  if (upstreamFailure(err, undefined).code === 'GW_UPSTREAM_TIMEOUT') {
    return new GatewayError('GW_UPSTREAM_TIMEOUT', 'The upstream provider went silent while sending the answer.', { cause: err });
  }
  return new GatewayError('GW_UPSTREAM_ERROR', 'The upstream connection failed while reading the answer.', { cause: err });
}

/** The answer's text parts, in order. */
function completionText(body: Record<string, unknown>, format: 'openai' | 'anthropic'): string[] {
  const out: string[] = [];
  if (format === 'openai') {
    for (const c of (body.choices as { message?: { content?: unknown } }[] | undefined) ?? []) {
      if (typeof c.message?.content === 'string') out.push(c.message.content);
    }
  } else {
    for (const b of (body.content as { type?: string; text?: unknown }[] | undefined) ?? []) {
      if (b.type === 'text' && typeof b.text === 'string') out.push(b.text);
    }
  }
  return out;
}

/** Runs each text part through the output filter in place; a block anywhere blocks the whole answer. */
async function filterCompletion(body: Record<string, unknown>, format: 'openai' | 'anthropic', filter: OutputTextFilter): Promise<void> {
  const apply = async (text: string): Promise<string> => {
    const a = await filter.push(text);
    const b = await filter.end();
    const blocked = a.blocked ?? b.blocked;
    if (blocked !== undefined) throw new GatewayError('GW_GUARD_BLOCKED', `The answer was blocked by a guardrail: ${blocked}`);
    return a.emit + b.emit;
  };
  if (format === 'openai') {
    for (const c of (body.choices as { message?: { content?: unknown } }[] | undefined) ?? []) {
      if (c.message && typeof c.message.content === 'string') c.message.content = await apply(c.message.content);
    }
  } else {
    for (const b of (body.content as { type?: string; text?: unknown }[] | undefined) ?? []) {
      if (b.type === 'text' && typeof b.text === 'string') b.text = await apply(b.text);
    }
  }
}
