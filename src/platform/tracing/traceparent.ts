import { Context, isSpanContextValid, ROOT_CONTEXT, SpanContext, trace, TraceFlags } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';

/** A version-00 traceparent is exactly this long; later versions may append `-…` fields after it. */
const TRACEPARENT_LENGTH = 55;
/** Longest traceparent read (a future version's extra fields included); longer is ignored. */
export const TRACEPARENT_MAX_LENGTH = 256;
/** Longest tracestate read (W3C: at most 32 members, 512 characters is what vendors must keep); longer is dropped. */
export const TRACESTATE_MAX_LENGTH = 512;

function isLowerHex(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const code = text.charCodeAt(i);
    if (!((code >= 0x30 && code <= 0x39) || (code >= 0x61 && code <= 0x66))) return false;
  }
  return true;
}

function isAllZero(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (text.charCodeAt(i) !== 0x30) return false;
  return true;
}

/**
 * The W3C Trace Context `traceparent` (`00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>`), checked
 * character by character (no regular expression): lower-case hex only, no all-zero id, version `ff` refused,
 * version 00 exactly 55 characters, a later version at most 256 with its extra fields after a `-`.
 * Undefined for anything else: a bad header is ignored, never an error.
 */
export function parseTraceparent(value: unknown): { traceId: string; spanId: string; traceFlags: number } | undefined {
  if (typeof value !== 'string' || value.length < TRACEPARENT_LENGTH || value.length > TRACEPARENT_MAX_LENGTH) return undefined;
  if (!isLowerHex(value, 0, 2) || value.startsWith('ff')) return undefined;
  if (value.startsWith('00') ? value.length !== TRACEPARENT_LENGTH : value.length > TRACEPARENT_LENGTH && value[TRACEPARENT_LENGTH] !== '-') {
    return undefined;
  }
  if (value[2] !== '-' || value[35] !== '-' || value[52] !== '-') return undefined;
  if (!isLowerHex(value, 3, 35) || !isLowerHex(value, 36, 52) || !isLowerHex(value, 53, 55)) return undefined;
  if (isAllZero(value, 3, 35) || isAllZero(value, 36, 52)) return undefined;
  return { traceId: value.slice(3, 35), spanId: value.slice(36, 52), traceFlags: Number.parseInt(value.slice(53, 55), 16) & TraceFlags.SAMPLED };
}

function parseTracestate(value: unknown): TraceState | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > TRACESTATE_MAX_LENGTH) return undefined;
  return new TraceState(value);
}

/** W3C trace context as a carrier holds it: HTTP headers, or an MCP request's `params._meta`. */
export interface TraceCarrier {
  readonly traceparent?: unknown;
  readonly tracestate?: unknown;
}

/** The remote span context of a carrier, or undefined when its traceparent is absent or malformed. */
export function remoteSpanContext(carrier: TraceCarrier | undefined): SpanContext | undefined {
  const parent = parseTraceparent(carrier?.traceparent);
  if (!parent) return undefined;
  const spanContext: SpanContext = { ...parent, isRemote: true, traceState: parseTracestate(carrier?.tracestate) };
  return isSpanContextValid(spanContext) ? spanContext : undefined;
}

/** A context whose parent is the carrier's remote span, or undefined. */
export function contextFromCarrier(carrier: TraceCarrier | undefined, base: Context = ROOT_CONTEXT): Context | undefined {
  const spanContext = remoteSpanContext(carrier);
  return spanContext ? trace.setSpanContext(base, spanContext) : undefined;
}
