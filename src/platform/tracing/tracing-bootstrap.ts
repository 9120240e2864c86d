import { Counter, register } from 'prom-client';
import { Environment } from '../../config/environment';
import { DropReason } from './span-budget';
import { TracingHandle } from './tracing-sdk';
import { tracingSettingsFrom } from './tracing-settings';

export const TRACE_SPANS_DROPPED_TOTAL = 'mcp_trace_spans_dropped_total';
/** Least time between two "spans dropped" warnings; the count in between is summed. */
const WARNING_INTERVAL_MS = 60_000;

/** Where the tracing warnings go: stderr until the application's logger (nestjs-pino's, a Nest LoggerService) is handed over. */
export interface TracingWarningSink {
  warn(fields: Record<string, unknown>, context: string): void;
}

/** The running tracing of this process: flush on shutdown, warnings through the app's logger. */
export interface TracingRuntime extends TracingHandle {
  useLogger(sink: TracingWarningSink): void;
}

function droppedCounter(): Counter<string> {
  const existing = register.getSingleMetric(TRACE_SPANS_DROPPED_TOTAL);
  return (existing as Counter<string> | undefined) ??
    new Counter({ name: TRACE_SPANS_DROPPED_TOTAL, help: 'Finished spans never exported, by reason (queue_full, export_failed)', labelNames: ['reason'] });
}

/**
 * Starts tracing when an OTLP endpoint is configured; undefined otherwise (then no SDK is even loaded, and the
 * OpenTelemetry API stays a no-op). Call it before anything requires `pg`. Dropped spans are counted in
 * `mcp_trace_spans_dropped_total` and reported by a warning at most once a minute.
 */
export async function startTracingIfConfigured(env: Environment): Promise<TracingRuntime | undefined> {
  const settings = tracingSettingsFrom(env);
  if (!settings) return undefined;
  const { startTracing } = await import('./tracing-sdk.js');
  const dropped = droppedCounter();
  let sink: TracingWarningSink = {
    warn: (fields, context) => process.stderr.write(`${JSON.stringify({ level: 'warn', context, ...fields })}\n`),
  };
  let unreported = 0;
  let lastWarning = 0;
  const onDrop = (count: number, reason: DropReason): void => {
    dropped.inc({ reason }, count);
    unreported += count;
    const now = Date.now();
    if (now - lastWarning < WARNING_INTERVAL_MS) return;
    lastWarning = now;
    sink.warn({ dropped_spans: unreported, reason, msg: 'tracing: spans dropped (the OTLP collector is slow or unreachable); calls are not affected' }, 'Tracing');
    unreported = 0;
  };
  const handle = startTracing(settings, onDrop);
  return {
    shutdown: (timeoutMs) => handle.shutdown(timeoutMs),
    useLogger: (logger) => (sink = logger),
  };
}
