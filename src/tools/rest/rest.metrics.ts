import { makeCounterProvider, makeGaugeProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';

export const UPSTREAM_REQUESTS_TOTAL = 'upstream_requests_total';
export const UPSTREAM_REQUEST_DURATION_SECONDS = 'upstream_request_duration_seconds';
export const UPSTREAM_RETRIES_TOTAL = 'upstream_retries_total';
export const UPSTREAM_CIRCUIT_STATE = 'upstream_circuit_state';

/**
 * Upstream API metrics, one sample per attempt (a retried call counts each attempt). `upstream` is the
 * base URL's host, `status` the HTTP status or `timeout`, `error` (network, too large), `cancelled`.
 */
export const restMetrics = [
  makeCounterProvider({
    name: UPSTREAM_REQUESTS_TOTAL,
    help: 'Upstream API requests (each attempt) by upstream host, method and status (HTTP code, timeout, error, cancelled)',
    labelNames: ['upstream', 'method', 'status'],
  }),
  makeHistogramProvider({
    name: UPSTREAM_REQUEST_DURATION_SECONDS,
    help: 'Duration of each upstream API request attempt in seconds, by upstream host and method',
    labelNames: ['upstream', 'method'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  }),
  makeCounterProvider({
    name: UPSTREAM_RETRIES_TOTAL,
    help: 'Upstream API requests retried, by upstream host',
    labelNames: ['upstream'],
  }),
  makeGaugeProvider({
    name: UPSTREAM_CIRCUIT_STATE,
    help: 'Upstream circuit breaker state by upstream host: 0 closed, 1 half-open, 2 open',
    labelNames: ['upstream'],
  }),
];
