import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, Context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_ROUTE, ATTR_URL_SCHEME } from '@opentelemetry/semantic-conventions';
import { contextFromCarrier } from './traceparent';
import { ATTR_REQUEST_ID, TRACER_NAME } from './tracing.constants';

/** The HTTP server span's context of each request in flight (the MCP span is its child, even after body parsing). */
const REQUEST_CONTEXTS = new WeakMap<IncomingMessage, Context>();

/** The context of a request's HTTP server span (ROOT when tracing is off or the request was not seen). */
export function httpRequestContext(req: IncomingMessage): Context {
  return REQUEST_CONTEXTS.get(req) ?? ROOT_CONTEXT;
}

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH']);

/**
 * Express middleware opening the HTTP server span of every request: its parent is the caller's W3C
 * `traceparent`/`tracestate` headers when valid (anything else is ignored); named and attributed with the route
 * template (never the raw path) and the status once the response is done. Only installed with tracing on.
 */
export function httpServerSpanMiddleware(req: IncomingMessage & { route?: { path?: unknown }; baseUrl?: string }, res: ServerResponse, next: () => void): void {
  const parent = contextFromCarrier({ traceparent: req.headers.traceparent, tracestate: req.headers.tracestate }) ?? ROOT_CONTEXT;
  const method = KNOWN_METHODS.has(req.method ?? '') ? (req.method as string) : '_OTHER';
  const span = trace.getTracer(TRACER_NAME).startSpan(
    method === '_OTHER' ? 'HTTP' : method,
    { kind: SpanKind.SERVER, attributes: { [ATTR_HTTP_REQUEST_METHOD]: method, [ATTR_URL_SCHEME]: 'http' } },
    parent,
  );
  const active = trace.setSpan(parent, span);
  REQUEST_CONTEXTS.set(req, active);
  let ended = false;
  const end = (): void => {
    if (ended) return;
    ended = true;
    const routePath = req.route?.path;
    if (typeof routePath === 'string') {
      const route = `${req.baseUrl ?? ''}${routePath}`;
      span.setAttribute(ATTR_HTTP_ROUTE, route);
      span.updateName(`${method} ${route}`);
    }
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, res.statusCode);
    span.setAttribute(ATTR_REQUEST_ID, String((req as { id?: unknown }).id ?? ''));
    if (res.statusCode >= 500 || !res.writableFinished) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  };
  res.once('finish', end);
  res.once('close', end);
  context.with(active, next);
}
