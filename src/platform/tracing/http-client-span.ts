import { context, propagation, Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_RESEND_COUNT,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
} from '@opentelemetry/semantic-conventions';
import { tracingState } from './tracing-state';
import { TRACER_NAME } from './tracing.constants';

/** One outbound HTTP attempt as its span records it: no path, query or body (they may hold the caller's arguments). */
export interface HttpClientAttempt {
  readonly method: string;
  /** Absolute URL; only its host and port are recorded. */
  readonly url: string;
  /** 0 for the first attempt, n for the n-th retry. */
  readonly resendCount?: number;
  readonly attributes?: Record<string, string | number>;
}

/**
 * Starts the span of one outbound HTTP attempt (kind CLIENT, named by the method) as a child of the active span,
 * and writes its W3C `traceparent` (and `tracestate`) into `headers`. Undefined, and nothing written, with
 * tracing off. Never copies anything from the caller's own request (its Authorization stays with us).
 */
export function startHttpClientSpan(attempt: HttpClientAttempt, setHeader: (name: string, value: string) => void): Span | undefined {
  if (!tracingState.on) return undefined;
  const method = attempt.method.toUpperCase();
  const url = URL.parse(attempt.url);
  const port = url?.port ? Number(url.port) : url?.protocol === 'https:' ? 443 : 80;
  const span = trace.getTracer(TRACER_NAME).startSpan(method, {
    kind: SpanKind.CLIENT,
    attributes: {
      [ATTR_HTTP_REQUEST_METHOD]: method,
      [ATTR_SERVER_ADDRESS]: url?.hostname ?? '',
      [ATTR_SERVER_PORT]: port,
      ...(attempt.resendCount ? { [ATTR_HTTP_REQUEST_RESEND_COUNT]: attempt.resendCount } : {}),
      ...attempt.attributes,
    },
  });
  propagation.inject(trace.setSpan(context.active(), span), {}, { set: (_carrier, name, value) => setHeader(name, value) });
  return span;
}

/** Ends an attempt span with the answer's status (5xx and above is an error), or with the failure's kind. */
export function endHttpClientSpan(span: Span | undefined, outcome: { status?: number; failure?: string }): void {
  if (!span) return;
  if (outcome.status !== undefined) {
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, outcome.status);
    if (outcome.status >= 500) span.setAttribute(ATTR_ERROR_TYPE, String(outcome.status));
  } else {
    span.setAttribute(ATTR_ERROR_TYPE, outcome.failure ?? 'error');
  }
  if (outcome.status === undefined || outcome.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
}
