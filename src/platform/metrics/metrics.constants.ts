/** Names of the platform's Prometheus metrics (inject with `@InjectMetric(NAME)`). */
export const HTTP_REQUESTS_TOTAL = 'http_requests_total';
export const HTTP_REQUEST_DURATION_SECONDS = 'http_request_duration_seconds';
export const RATE_LIMIT_REJECTIONS_TOTAL = 'rate_limit_rejections_total';
export const RATE_LIMIT_STORAGE_ERRORS_TOTAL = 'rate_limit_storage_errors_total';
