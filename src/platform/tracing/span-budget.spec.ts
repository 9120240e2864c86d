import { ExportResult, ExportResultCode } from '@opentelemetry/core';
import { BasicTracerProvider, BatchSpanProcessor, ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { DropReason, SpanBudget } from './span-budget';

/** An exporter whose answers the test gives (a collector that is slow, down or fine). */
class HeldExporter implements SpanExporter {
  readonly batches: { spans: ReadableSpan[]; done: (result: ExportResult) => void }[] = [];
  /** Set when the test is over: every export is answered at once, so the processor can shut down. */
  answerAll = false;
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    if (this.answerAll) done({ code: ExportResultCode.SUCCESS });
    else this.batches.push({ spans, done });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const providers: { provider: BasicTracerProvider; exporter: HeldExporter }[] = [];

afterEach(async () => {
  for (const { provider, exporter } of providers.splice(0)) {
    exporter.answerAll = true;
    for (const batch of exporter.batches) batch.done({ code: ExportResultCode.SUCCESS });
    await provider.shutdown();
  }
});

function setup(maxPending: number): { budget: SpanBudget; exporter: HeldExporter; drops: [number, DropReason][]; end: (count: number) => void; flush: () => Promise<void> } {
  const drops: [number, DropReason][] = [];
  const budget = new SpanBudget(maxPending, (count, reason) => drops.push([count, reason]));
  const exporter = new HeldExporter();
  const batch = new BatchSpanProcessor(budget.exporter(exporter), { maxQueueSize: maxPending, scheduledDelayMillis: 60_000 });
  const provider = new BasicTracerProvider({ spanProcessors: [budget.processor(batch)] });
  providers.push({ provider, exporter });
  const tracer = provider.getTracer('test');
  return {
    budget,
    exporter,
    drops,
    end: (count) => {
      for (let i = 0; i < count; i++) tracer.startSpan(`span ${i}`).end();
    },
    flush: () => {
      void batch.forceFlush().catch(() => undefined);
      return Promise.resolve();
    },
  };
}

describe('SpanBudget', () => {
  it('drops, and counts, the spans finished while the budget is full', () => {
    const { budget, drops, end } = setup(2);
    end(5);
    expect(budget.waiting).toBe(2);
    expect(drops).toEqual([
      [1, 'queue_full'],
      [1, 'queue_full'],
      [1, 'queue_full'],
    ]);
  });

  it('frees the budget when an export answers, counting a failed batch as dropped', async () => {
    const { budget, exporter, drops, end, flush } = setup(2);
    end(2);
    await flush();
    expect(exporter.batches).toHaveLength(1);
    expect(budget.waiting).toBe(2);
    exporter.batches[0].done({ code: ExportResultCode.FAILED });
    expect(budget.waiting).toBe(0);
    expect(drops).toEqual([[2, 'export_failed']]);

    end(1);
    await flush();
    exporter.batches[1].done({ code: ExportResultCode.SUCCESS });
    expect(budget.waiting).toBe(0);
    expect(drops).toHaveLength(1);
  });

  it('ignores a second answer to the same export', async () => {
    const { budget, exporter, drops, end, flush } = setup(4);
    end(2);
    await flush();
    exporter.batches[0].done({ code: ExportResultCode.FAILED });
    end(1);
    exporter.batches[0].done({ code: ExportResultCode.FAILED });
    expect(budget.waiting).toBe(1);
    expect(drops).toEqual([[2, 'export_failed']]);
  });
});
