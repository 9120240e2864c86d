import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import { httpRequestContext } from './http-server-span';
import { endMcpRequestSpan, startMcpRequestSpan } from './mcp-request-span';
import { markSpanFailed } from './span-errors';
import { tracingState } from './tracing-state';

/**
 * Runs one MCP request that came over HTTP inside its MCP span, a child of the HTTP server span (or of the
 * request's `_meta` trace context, see startMcpRequestSpan). The span ends with the HTTP answer: a status of
 * 400 and above marks it failed. A plain call with tracing off.
 */
export async function traceMcpHttpRequest(req: IncomingMessage & { body?: unknown }, res: ServerResponse, work: () => Promise<void>): Promise<void> {
  if (!tracingState.on) return work();
  const header = req.headers['mcp-protocol-version'];
  const parent = httpRequestContext(req);
  const started = startMcpRequestSpan(req.body, { door: 'http', parent, protocolVersion: typeof header === 'string' ? header : undefined });
  if (!started) return context.with(parent, work);
  try {
    await context.with(started.context, work);
    if (res.statusCode >= 400) markSpanFailed(started.span, undefined, String(res.statusCode));
  } catch (error) {
    markSpanFailed(started.span, error);
    throw error;
  } finally {
    endMcpRequestSpan(started.span);
  }
}

/**
 * Runs one MCP request handler of a stdio connection inside its MCP span (stdio has no HTTP span: the parent is
 * the request's `_meta` trace context, or none). A JSON-RPC error thrown by the handler marks the span failed.
 */
export async function traceMcpStdioRequest<T>(request: { method: string; params?: unknown }, id: unknown, work: () => Promise<T>): Promise<T> {
  if (!tracingState.on) return work();
  const started = startMcpRequestSpan({ ...request, id }, { door: 'stdio', parent: ROOT_CONTEXT });
  if (!started) return work();
  let answer: unknown;
  try {
    return await context.with(started.context, work);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'number') answer = { error: { code } };
    else markSpanFailed(started.span, error);
    throw error;
  } finally {
    endMcpRequestSpan(started.span, answer);
  }
}
