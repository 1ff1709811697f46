/** @module The Fastify app: data-plane routes, health, metrics, and the admin API in its own encapsulated scope. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { GatewayError } from '../core/errors.js';
import { keyMayUse } from '../policy/decide.js';
import { findRestriction } from '../policy/decide.js';
import { registerAdminRoutes, type AdminDeps } from './admin/routes.js';
import { authenticate } from './auth.js';
import { createChatHandler, type ChatHandler } from './chat/proxy.js';
import { readJsonBody, type BodyDone } from './chat/read-body.js';
import { errorBody, type ApiFormat } from './error-body.js';
import type { GatewayRuntime } from './runtime.js';

export type ServerDeps = {
  readonly runtime: GatewayRuntime;
  readonly admin: AdminDeps | undefined;
  /** Admin routes contributed by other rooms (audit, incidents), mounted behind the same token check. */
  readonly adminPlugins?: readonly ((app: FastifyInstance) => void)[];
  readonly isReady: () => boolean;
  readonly nodeId: string;
  /** Metrics of every worker process when several share the port; default: this process's registry. */
  readonly metricsText?: () => Promise<string>;
};

function formatOf(req: FastifyRequest): ApiFormat {
  return req.url.startsWith('/v1/messages') ? 'anthropic' : 'openai';
}

/** The format a chat route speaks, for `POST <path>[?query]`; undefined for every other URL. */
function chatRoute(url: string | undefined): ApiFormat | undefined {
  if (url === undefined) return undefined;
  if (url.startsWith('/v1/chat/completions') && (url.length === 20 || url.charCodeAt(20) === 63)) return 'openai';
  if (url.startsWith('/v1/messages') && (url.length === 12 || url.charCodeAt(12) === 63)) return 'anthropic';
  return undefined;
}

function sendPlainError(res: ServerResponse, format: ApiFormat, e: GatewayError): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(errorBody(format, e));
  res.writeHead(e.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function buildServer(deps: ServerDeps): FastifyInstance {
  const rt = deps.runtime;
  const chat: Record<ApiFormat, ChatHandler> = { openai: createChatHandler(rt, 'openai'), anthropic: createChatHandler(rt, 'anthropic') };
  let closing = false;

  /**
   * The two chat routes are served straight off node:http: Fastify's routing, hooks, body parser and reply
   * cost more per request than the proxying itself. Same refusals as Fastify's parser gave (see readJsonBody).
   */
  const afterBody = (format: ApiFormat): BodyDone<ServerResponse> => {
    const handler = chat[format];
    return (err, body, raw, res) => {
      if (err) sendPlainError(res, format, err);
      else void handler(res.req, res, body, raw);
    };
  };
  const bodyRead: Record<ApiFormat, BodyDone<ServerResponse>> = { openai: afterBody('openai'), anthropic: afterBody('anthropic') };
  const serveChat = (format: ApiFormat, req: IncomingMessage, res: ServerResponse): void => {
    readJsonBody(req, rt.config.bodyLimitBytes, bodyRead[format], res);
  };

  const app = Fastify({
    logger: false,
    bodyLimit: rt.config.bodyLimitBytes,
    // Closing is answered by the onRequest hook below, in the caller's API shape (Fastify's own 503 body is not).
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    serverFactory: (fastifyHandler) => {
      const server = createServer((req, res) => {
        if (req.method === 'POST' && !closing) {
          const format = chatRoute(req.url);
          if (format !== undefined) {
            serveChat(format, req, res);
            return;
          }
        }
        fastifyHandler(req, res);
      });
      // Streams may run for minutes; the upstream limits bound them, not the server.
      server.requestTimeout = 0;
      server.keepAliveTimeout = 65_000;
      server.setTimeout(0);
      return server;
    },
  });
  // Once closing, the chat routes too go through Fastify, and every request arriving on a kept-alive connection is
  // refused with 503 in its API's error shape, so the client retries elsewhere; requests already running finish.
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onRequest', (_req, reply, done) => {
    if (!closing) return done();
    reply.header('connection', 'close');
    done(new GatewayError('GW_NODE_CLOSING', 'This Warden node is shutting down; retry the request.'));
  });

  // Keep the raw text next to the parsed body: an unchanged request is forwarded byte for byte.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = body as string;
    if (text === '') return done(null, undefined);
    try {
      (req as FastifyRequest & { rawBody?: string }).rawBody = text;
      done(null, JSON.parse(text));
    } catch {
      done(new GatewayError('GW_REQUEST_INVALID', 'The request body is not valid JSON.'), undefined);
    }
  });

  app.setErrorHandler((err, req, reply) => {
    const status = (err as { statusCode?: number }).statusCode;
    const e = err instanceof GatewayError ? err
      : status === 413 ? new GatewayError('GW_REQUEST_TOO_LARGE', `The request body exceeds the limit of ${rt.config.bodyLimitBytes} bytes.`)
      : status === 415 ? new GatewayError('GW_REQUEST_INVALID', 'Send the body as application/json.')
      : status !== undefined && status >= 400 && status < 500 ? new GatewayError('GW_REQUEST_INVALID', 'The request is invalid.')
      : new GatewayError('GW_INTERNAL', 'Internal error.', { cause: err });
    if (e.code === 'GW_INTERNAL') rt.logger.error({ err }, 'unhandled error');
    reply.code(e.status).header('content-type', 'application/json').send(JSON.stringify(errorBody(formatOf(req), e)));
  });
  app.setNotFoundHandler((req, reply) => {
    const e = new GatewayError('GW_ADMIN_NOT_FOUND', `No route ${req.method} ${req.url.split('?')[0]?.slice(0, 200)}.`);
    reply.code(404).send(errorBody(formatOf(req), e));
  });

  // The same handlers behind Fastify's router, for app.inject() and while closing.
  const viaFastify = (format: ApiFormat) => async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    reply.hijack();
    await chat[format](req.raw, reply.raw, req.body, (req as FastifyRequest & { rawBody?: string }).rawBody);
  };
  app.post('/v1/chat/completions', viaFastify('openai'));
  app.post('/v1/messages', viaFastify('anthropic'));

  app.get('/v1/models', async (req, reply) => {
    const snap = rt.snapshot();
    const key = authenticate(snap, req.headers);
    if (!key) {
      const e = new GatewayError('GW_AUTH_INVALID_KEY', 'Invalid or missing API key.');
      return reply.code(e.status).send(errorBody('openai', e));
    }
    const now = rt.now();
    const data = [...snap.models.values()]
      .filter((m) => keyMayUse(key, m.id))
      .map((m) => {
        const r = findRestriction(snap, { key, region: rt.config.region, now }, m.id);
        return {
          id: m.id,
          object: 'model',
          created: 0,
          owned_by: m.demo ? 'warden-demo' : m.providerId,
          ...(m.demo ? { demo: true, description: 'Built-in demo: echoes the last user message. Not a real model.' } : m.description ? { description: m.description } : {}),
          status: r ? (r.action.kind === 'deny' ? 'restricted' : 'fallback') : 'available',
          ...(r ? { restriction: { id: r.id, reason: r.reason, ...(r.action.kind === 'fallback' ? { fallback: r.action.model } : {}) } } : {}),
        };
      });
    return { object: 'list', data };
  });

  app.get('/healthz', async () => ({ status: 'ok', node: deps.nodeId }));
  app.get('/readyz', async (_req, reply) => {
    const ready = deps.isReady();
    return reply.code(ready ? 200 : 503).send({ ready, node: deps.nodeId, policyVersion: rt.snapshot().version, stale: rt.isStale() });
  });
  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', rt.metrics.registry.contentType);
    return deps.metricsText ? deps.metricsText() : rt.metrics.registry.metrics();
  });

  if (deps.admin) {
    const admin = deps.admin;
    void app.register(async (scope) => {
      registerAdminRoutes(scope, admin);
      for (const plugin of deps.adminPlugins ?? []) plugin(scope);
    });
  }
  return app;
}
