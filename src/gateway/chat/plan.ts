/** @module Turns the caller's request into the upstream call for one model: provider, path and body, translated when the shapes differ. */
import type { ResolvedProvider } from '../../config/load-config.js';
import { GatewayError } from '../../core/errors.js';
import type { ModelEntry } from '../../policy/snapshot.js';
import { anthropicRequestToOpenai } from '../../providers/translate/anthropic-request-to-openai.js';
import { openaiRequestToAnthropic } from '../../providers/translate/openai-request-to-anthropic.js';
import type { AnthropicRequest } from '../../providers/wire/anthropic.js';
import type { OpenAIRequest } from '../../providers/wire/openai.js';
import type { ApiFormat } from '../error-body.js';

export type UpstreamPlan =
  | { readonly kind: 'demo'; readonly model: ModelEntry; readonly upstreamFormat: 'openai'; readonly openaiBody: Record<string, unknown> }
  | {
      readonly kind: 'http';
      readonly model: ModelEntry;
      readonly provider: ResolvedProvider;
      readonly upstreamFormat: ApiFormat;
      readonly path: string;
      readonly body: string;
    };

/**
 * `rawBody` is the caller's body as received; it is forwarded byte for byte when nothing about it changes,
 * which saves a serialisation on the common path.
 */
export function planUpstream(
  format: ApiFormat,
  body: Record<string, unknown>,
  rawBody: string | undefined,
  model: ModelEntry,
  providers: ReadonlyMap<string, ResolvedProvider>,
): UpstreamPlan {
  if (model.demo) {
    const openaiBody = format === 'openai' ? body : (anthropicRequestToOpenai(body as AnthropicRequest, model.id) as Record<string, unknown>);
    return { kind: 'demo', model, upstreamFormat: 'openai', openaiBody };
  }
  const provider = providers.get(model.providerId);
  if (!provider) throw new GatewayError('GW_INTERNAL', `Model '${model.id}' names an unknown provider.`);
  const upstreamFormat: ApiFormat = provider.type;
  const path = upstreamFormat === 'openai' ? '/chat/completions' : '/messages';
  let out: string;
  if (upstreamFormat === format) {
    out = rawBody !== undefined && body.model === model.upstreamModel ? rawBody : JSON.stringify({ ...body, model: model.upstreamModel });
  } else if (format === 'openai') {
    out = JSON.stringify(openaiRequestToAnthropic(body as OpenAIRequest, model.upstreamModel));
  } else {
    out = JSON.stringify(anthropicRequestToOpenai(body as AnthropicRequest, model.upstreamModel));
  }
  return { kind: 'http', model, provider, upstreamFormat, path, body: out };
}
