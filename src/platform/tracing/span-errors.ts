import { Span, SpanStatusCode } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';

/**
 * Marks a span failed with `error.type` only: the exception's class name (or the given type), never its
 * message or stack, which may hold the caller's data (SQL text, arguments, an upstream's answer).
 */
export function markSpanFailed(span: Span, error: unknown, type?: string): void {
  const name = type ?? (error instanceof Error ? error.constructor.name : typeof error);
  span.setAttribute(ATTR_ERROR_TYPE, name.slice(0, 64) || 'Error');
  span.setStatus({ code: SpanStatusCode.ERROR });
}
