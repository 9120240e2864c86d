import { context, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider, ParentBasedSampler, SpanExporter, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { PACKAGE_INFO } from '../../config/package-info';
import { pgRequestHook } from './pg-statement';
import { DropListener, SpanBudget } from './span-budget';
import { TracingSettings } from './tracing-settings';
import { tracingState } from './tracing-state';

/** The running tracing SDK: flushes and stops on shutdown. */
export interface TracingHandle {
  /** Exports what is queued and stops; resolves within `timeoutMs` whatever the collector does. */
  shutdown(timeoutMs: number): Promise<void>;
}

/**
 * The OTLP/HTTP exporter of the settings (protobuf or JSON). In-process tests pass an in-memory exporter to
 * startTracing instead: the OTLP transport loads `http` with a dynamic `import()`, which jest's module loader
 * does not run; the process tests export to a real receiver.
 */
function otlpExporter(settings: TracingSettings): SpanExporter {
  const config = { url: settings.tracesUrl, headers: { ...settings.headers }, timeoutMillis: settings.exportTimeoutMs };
  return settings.protocol === 'http/json' ? new OtlpJsonExporter(config) : new OtlpProtobufExporter(config);
}

/**
 * Registers the global tracer provider, the W3C propagator and the `pg` instrumentation. Call it before
 * anything requires `pg` (the instrumentation patches the module when it is loaded): main.ts does, before it
 * loads the application. Built explicitly from the validated settings, not from the SDK's own reading of
 * OTEL_* variables (which would miss `.env`, `_FILE` secrets and Vault, and would not fail the boot).
 *
 * Sampling: parent-based. A sampled remote parent is always followed; otherwise (no parent, or an unsampled
 * one) TRACE_SAMPLING_RATE decides by trace id, so every service with the same ratio agrees on a trace.
 */
export function startTracing(settings: TracingSettings, onDrop: DropListener, exporter: SpanExporter = otlpExporter(settings)): TracingHandle {
  const budget = new SpanBudget(settings.maxQueueSize, onDrop);
  const ratio = new TraceIdRatioBasedSampler(settings.samplingRate);
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      ...settings.resourceAttributes,
      [ATTR_SERVICE_NAME]: settings.serviceName,
      [ATTR_SERVICE_VERSION]: PACKAGE_INFO.version,
    }),
    sampler: new ParentBasedSampler({ root: ratio, remoteParentNotSampled: ratio }),
    spanProcessors: [
      budget.processor(
        new BatchSpanProcessor(budget.exporter(exporter), {
          maxQueueSize: settings.maxQueueSize,
          maxExportBatchSize: Math.min(512, settings.maxQueueSize),
          scheduledDelayMillis: settings.scheduleDelayMs,
          exportTimeoutMillis: settings.exportTimeoutMs,
        }),
      ),
    ],
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  tracingState.on = true;
  // Statements outside any request (boot, health checks, idle pool work) make no root spans of their own.
  const pgInstrumentation = new PgInstrumentation({ requestHook: pgRequestHook, enhancedDatabaseReporting: false, requireParentSpan: true });
  return {
    shutdown: async (timeoutMs) => {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
      await Promise.race([provider.shutdown().catch(() => undefined), deadline]);
      clearTimeout(timer);
      tracingState.on = false;
      // Undo every global registration, the async context manager included: it would otherwise keep tracking
      // every promise of the process (a test process that started tracing once, say).
      pgInstrumentation.disable();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}
