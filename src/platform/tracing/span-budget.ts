import type { ExportResult } from '@opentelemetry/core';
import { Context, TraceFlags } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';

/** Why spans were given up: the queue was full, or an export failed (collector down, timeout, refused). */
export type DropReason = 'queue_full' | 'export_failed';

/** Called with the number of spans dropped and why; never throws. */
export type DropListener = (count: number, reason: DropReason) => void;

/** ExportResultCode.SUCCESS, without loading @opentelemetry/core for one constant. */
const EXPORT_SUCCESS = 0;

/**
 * Bounds the spans waiting for export and counts every one that never reaches the collector. The spans handed
 * on and not yet exported (queued or in an export) never exceed `maxPending`: beyond it a finished span is
 * dropped at once, so a collector that is down costs memory up to that bound and never slows a call.
 */
export class SpanBudget {
  private pending = 0;

  constructor(
    private readonly maxPending: number,
    private readonly onDrop: DropListener,
  ) {}

  /** The processor in front of the batch processor: admits a span only while the budget has room. */
  processor(inner: SpanProcessor): SpanProcessor {
    return {
      onStart: (span: Span, parent: Context) => inner.onStart(span, parent),
      onEnd: (span: ReadableSpan) => {
        // The batch processor ignores unsampled spans, so they take no room either.
        if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
        if (this.pending >= this.maxPending) return this.onDrop(1, 'queue_full');
        this.pending++;
        inner.onEnd(span);
      },
      forceFlush: () => inner.forceFlush(),
      shutdown: () => inner.shutdown(),
    };
  }

  /** The exporter behind the batch processor: frees the budget of each batch, counting a failed one as dropped. */
  exporter(inner: SpanExporter): SpanExporter {
    return {
      export: (spans: ReadableSpan[], done: (result: ExportResult) => void) => {
        let settled = false;
        inner.export(spans, (result) => {
          if (settled) return;
          settled = true;
          this.pending = Math.max(0, this.pending - spans.length);
          if (result.code !== EXPORT_SUCCESS) this.onDrop(spans.length, 'export_failed');
          done(result);
        });
      },
      shutdown: () => inner.shutdown(),
      forceFlush: () => inner.forceFlush?.() ?? Promise.resolve(),
    };
  }

  /** Spans admitted and not yet through an export. */
  get waiting(): number {
    return this.pending;
  }
}
