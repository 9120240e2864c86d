import { Attributes, Span, SpanKind, trace } from '@opentelemetry/api';
import { markSpanFailed } from './span-errors';
import { TRACER_NAME } from './tracing.constants';

/**
 * Runs `work` inside a new active span (a child of the active one) and ends it when `work` settles; a
 * rejection marks it failed (type only). With tracing off the API hands out a no-op span: nearly free.
 */
export function inSpan<T>(name: string, attributes: Attributes, work: (span: Span) => Promise<T>, kind: SpanKind = SpanKind.INTERNAL): Promise<T> {
  return trace.getTracer(TRACER_NAME).startActiveSpan(name, { kind, attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      markSpanFailed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}
