import { isSpanContextValid, trace, TraceFlags } from '@opentelemetry/api';

const NONE: Record<string, string> = Object.freeze({}) as Record<string, string>;

/**
 * Exemplar labels for a metric observed inside a sampled span: `{ trace_id }`, so a latency bucket links to a
 * trace that was exported. Empty (no exemplar) outside a span, for an unsampled one, and with tracing off.
 */
export function traceExemplarLabels(): Record<string, string> {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (!spanContext || !isSpanContextValid(spanContext) || (spanContext.traceFlags & TraceFlags.SAMPLED) === 0) return NONE;
  return { trace_id: spanContext.traceId };
}
