/** One call to the upstream API, as a REST tool asks for it. */
export interface UpstreamRequest {
  readonly method: 'GET' | 'HEAD' | 'OPTIONS' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /**
   * Path relative to API_BASE_URL, built from already percent-encoded segments (see `encodePathSegment`);
   * the client refuses anything that would leave the base URL.
   */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | boolean | readonly (string | number | boolean)[]>>;
  readonly headers?: Readonly<Record<string, string>>;
  /** JSON body (sent with Content-Type: application/json). */
  readonly body?: unknown;
  /** The tool's signal: aborting it ends the upstream call (and its retries). */
  readonly signal: AbortSignal;
  /** Forwarded as X-Request-ID. */
  readonly requestId: string;
  /** Tool name, for metrics and logs. */
  readonly tool: string;
  /** Retry non-idempotent methods too (POST, PATCH). Default: only GET/HEAD/OPTIONS/PUT/DELETE retry. */
  readonly retryUnsafe?: boolean;
}

/** The upstream's answer: any status (the caller maps 404 etc.), the parsed JSON body when there is one. */
export interface UpstreamResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}
