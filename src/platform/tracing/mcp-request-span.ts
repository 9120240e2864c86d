import { Context, Link, Span, SpanKind, trace } from '@opentelemetry/api';
import { contextFromCarrier, TraceCarrier } from './traceparent';
import { markSpanFailed } from './span-errors';
import {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_JSONRPC_REQUEST_ID,
  ATTR_MCP_METHOD_NAME,
  ATTR_MCP_PROTOCOL_VERSION,
  ATTR_NETWORK_TRANSPORT,
  ATTR_RPC_RESPONSE_STATUS_CODE,
  META_PROTOCOL_VERSION,
  TRACER_NAME,
} from './tracing.constants';

/** The parts of a JSON-RPC request a span records, read defensively (the message is the caller's). */
interface McpRequestShape {
  readonly method?: unknown;
  readonly id?: unknown;
  readonly params?: { readonly name?: unknown; readonly protocolVersion?: unknown; readonly _meta?: Record<string, unknown> };
}

const MAX_NAME_LENGTH = 64;

/** A short identifier-like string (method, tool name, protocol version, request id) or undefined. */
function shortName(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_NAME_LENGTH) return undefined;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code <= 0x20 || code >= 0x7f) return undefined;
  }
  return value;
}

function requestId(value: unknown): string | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : shortName(value);
}

/** Where an MCP request came from, and the context it arrived in. */
export interface McpRequestOrigin {
  readonly door: 'http' | 'stdio';
  /** The HTTP server span's context (HTTP door); ROOT for stdio. */
  readonly parent: Context;
  /** The `MCP-Protocol-Version` header (HTTP door). */
  readonly protocolVersion?: string;
}

/** The context an MCP request span starts in: its `_meta` trace context when that names another trace than the HTTP span's. */
function parentOf(meta: TraceCarrier | undefined, origin: McpRequestOrigin): { parent: Context; links: Link[] } {
  const fromMeta = contextFromCarrier(meta);
  if (!fromMeta) return { parent: origin.parent, links: [] };
  const transport = trace.getSpanContext(origin.parent);
  const metaSpan = trace.getSpanContext(fromMeta);
  if (transport && metaSpan && transport.traceId === metaSpan.traceId) return { parent: origin.parent, links: [] };
  return { parent: fromMeta, links: transport ? [{ context: transport }] : [] };
}

/**
 * Starts the span of one MCP request (OpenTelemetry MCP conventions: `{mcp.method.name} {target}`, kind
 * SERVER). Its parent is the trace context in the request's `params._meta` (`traceparent`, `tracestate`) when
 * valid and of another trace than the HTTP request's (then linked to the HTTP span), else the HTTP span (or
 * nothing, over stdio). Returns the span and the context to run the request in; undefined for a message that
 * is not a request (a notification, a response, a batch).
 */
export function startMcpRequestSpan(message: unknown, origin: McpRequestOrigin): { span: Span; context: Context } | undefined {
  if (message === null || typeof message !== 'object' || Array.isArray(message)) return undefined;
  const request = message as McpRequestShape;
  const method = shortName(request.method);
  if (!method || request.id === undefined) return undefined;
  const params = request.params !== null && typeof request.params === 'object' ? request.params : undefined;
  const meta = params?._meta !== null && typeof params?._meta === 'object' ? params._meta : undefined;
  const tool = method === 'tools/call' ? shortName(params?.name) : undefined;
  const version = shortName(meta?.[META_PROTOCOL_VERSION]) ?? origin.protocolVersion ?? shortName(params?.protocolVersion);
  const attributes: Record<string, string> = {
    [ATTR_MCP_METHOD_NAME]: method,
    [ATTR_NETWORK_TRANSPORT]: origin.door === 'http' ? 'tcp' : 'pipe',
  };
  const id = requestId(request.id);
  if (id !== undefined) attributes[ATTR_JSONRPC_REQUEST_ID] = id;
  if (version) attributes[ATTR_MCP_PROTOCOL_VERSION] = version;
  if (tool) {
    attributes[ATTR_GEN_AI_TOOL_NAME] = tool;
    attributes[ATTR_GEN_AI_OPERATION_NAME] = 'execute_tool';
  }
  const { parent, links } = parentOf(meta as TraceCarrier | undefined, origin);
  const span = trace.getTracer(TRACER_NAME).startSpan(tool ? `${method} ${tool}` : method, { kind: SpanKind.SERVER, attributes, links }, parent);
  return { span, context: trace.setSpan(parent, span) };
}

/** Ends an MCP request span with the JSON-RPC answer's outcome: a JSON-RPC error sets `error.type` to its code. */
export function endMcpRequestSpan(span: Span, response?: unknown): void {
  const error = response !== null && typeof response === 'object' ? (response as { error?: { code?: unknown } }).error : undefined;
  if (error && typeof error.code === 'number') {
    span.setAttribute(ATTR_RPC_RESPONSE_STATUS_CODE, String(error.code));
    markSpanFailed(span, undefined, String(error.code));
  }
  span.end();
}
