import { Environment } from '../../config/environment';
import { parseOtelKeyValues } from '../../config/otel-key-values';

/** What the tracing SDK is built from: the validated OTEL_* settings and TRACE_SAMPLING_RATE. */
export interface TracingSettings {
  /** The full OTLP/HTTP traces URL. */
  readonly tracesUrl: string;
  readonly protocol: Environment['OTEL_EXPORTER_OTLP_PROTOCOL'];
  /** Sent with every export; secret (never logged). */
  readonly headers: Readonly<Record<string, string>>;
  readonly serviceName: string;
  readonly resourceAttributes: Readonly<Record<string, string>>;
  readonly samplingRate: number;
  readonly maxQueueSize: number;
  readonly scheduleDelayMs: number;
  readonly exportTimeoutMs: number;
}

/** `…/v1/traces` under a base endpoint, with exactly one slash between them. */
function tracesUrlUnder(base: string): string {
  return `${base.endsWith('/') ? base.slice(0, -1) : base}/v1/traces`;
}

/** The tracing settings, or undefined when no OTLP endpoint is configured (tracing off). */
export function tracingSettingsFrom(env: Environment): TracingSettings | undefined {
  const tracesUrl = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
    (env.OTEL_EXPORTER_OTLP_ENDPOINT ? tracesUrlUnder(env.OTEL_EXPORTER_OTLP_ENDPOINT) : undefined);
  if (!tracesUrl) return undefined;
  return {
    tracesUrl,
    protocol: env.OTEL_EXPORTER_OTLP_PROTOCOL,
    // validateEnvironment has already refused a list that does not parse.
    headers: parseOtelKeyValues(env.OTEL_EXPORTER_OTLP_HEADERS ?? '') ?? {},
    serviceName: env.OTEL_SERVICE_NAME,
    resourceAttributes: parseOtelKeyValues(env.OTEL_RESOURCE_ATTRIBUTES ?? '') ?? {},
    samplingRate: env.TRACE_SAMPLING_RATE,
    maxQueueSize: env.OTEL_BSP_MAX_QUEUE_SIZE,
    scheduleDelayMs: env.OTEL_BSP_SCHEDULE_DELAY,
    exportTimeoutMs: env.OTEL_BSP_EXPORT_TIMEOUT,
  };
}

/** Tracing is on when an OTLP endpoint is configured (the hooks outside main.ts only need to know that). */
export function tracingConfigured(config: { get(name: 'OTEL_EXPORTER_OTLP_ENDPOINT' | 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'): string | undefined }): boolean {
  return Boolean(config.get('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') ?? config.get('OTEL_EXPORTER_OTLP_ENDPOINT'));
}
