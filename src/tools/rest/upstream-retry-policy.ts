import { isAxiosError } from 'axios';

/** Longest wait a `Retry-After` header may ask for (longer: the call is answered `retry` instead). */
export const MAX_RETRY_AFTER_MS = 30_000;

/** Longest wait a `retry` answer asks the caller for, whatever the upstream's `Retry-After` says. */
export const MAX_RETRY_HINT_SECONDS = 3600;

/** Connection-level failures worth another attempt: the request may never have reached the upstream. */
const TRANSIENT_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ERR_NETWORK',
]);

/** Methods that may be repeated without a second effect (RFC 9110 §9.2.2). */
export const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/** What went wrong with one attempt. */
export type AttemptFailure =
  /** 5xx or 429: the upstream answered and said "later". */
  | 'status'
  /** The per-attempt timeout passed. */
  | 'timeout'
  /** The connection failed or was reset. */
  | 'network'
  /** The body was larger than API_MAX_RESPONSE_BYTES. */
  | 'too_large'
  /** Aborted through the signal (the caller or the deadline). */
  | 'cancelled'
  | 'other';

/** Sorts an axios rejection (with `validateStatus` handing 5xx/429 to the error path). */
export function classifyFailure(error: unknown): AttemptFailure {
  if (!isAxiosError(error)) return 'other';
  if (error.response) return isRetryableStatus(error.response.status) ? 'status' : 'other';
  if (error.code === 'ERR_CANCELED') return 'cancelled';
  if (error.code === 'ETIMEDOUT' || error.code === 'ECONNABORTED') return 'timeout';
  if (error.code === 'ERR_BAD_RESPONSE' && /maxContentLength/.test(error.message)) return 'too_large';
  if (error.code !== undefined && TRANSIENT_NETWORK_CODES.has(error.code)) return 'network';
  return 'other';
}

export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599);
}

/** A `Retry-After` value (delay-seconds or an HTTP date) in milliseconds from `now`; undefined if absent or malformed. */
export function parseRetryAfterMs(header: unknown, now = Date.now()): number | undefined {
  if (typeof header !== 'string' || header.trim() === '') return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // An HTTP date always names its day or month; Date.parse alone would read `-1` as a year.
  const date = /[a-z]/i.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Wait before retry number `retry` (1-based): `factorSeconds * 2^(retry-1)` seconds plus up to 25 % jitter,
 * or the upstream's `Retry-After` when that is longer (capped at MAX_RETRY_AFTER_MS).
 */
export function retryDelayMs(retry: number, factorSeconds: number, retryAfterMs?: number, random: () => number = Math.random): number {
  const backoff = factorSeconds * 1000 * 2 ** (retry - 1);
  const jittered = backoff + backoff * 0.25 * random();
  return Math.round(Math.max(jittered, Math.min(retryAfterMs ?? 0, MAX_RETRY_AFTER_MS)));
}

/** The caller's retry hint, in whole seconds from 1 to MAX_RETRY_HINT_SECONDS, for the upstream's `Retry-After` (1 when it gave none). */
export function retryAfterSeconds(retryAfterMs: number | undefined): number {
  if (retryAfterMs === undefined) return 1;
  return Math.min(MAX_RETRY_HINT_SECONDS, Math.max(1, Math.ceil(retryAfterMs / 1000)));
}
