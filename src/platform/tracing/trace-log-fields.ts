import { isSpanContextValid, trace } from '@opentelemetry/api';

/**
 * The pino mixin with tracing on: `trace_id` and `span_id` of the active span on every line written inside
 * one (sampled or not: the ids still join the line to the caller's trace), nothing outside.
 */
export function traceLogFields(): Record<string, string> {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (!spanContext || !isSpanContextValid(spanContext)) return {};
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}
