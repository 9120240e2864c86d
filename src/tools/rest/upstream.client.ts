import type * as http from 'node:http';
import { performance } from 'node:perf_hooks';
import { HttpService } from '@nestjs/axios';
import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { AxiosError, AxiosInstance, AxiosResponse, InternalAxiosRequestConfig, isAxiosError } from 'axios';
import axiosRetry from 'axios-retry';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { Counter, Gauge, Histogram } from 'prom-client';
import { ToolException, ToolFailedException, ToolRetryException } from '../../platform/errors/tool.exception';
import { endHttpClientSpan, startHttpClientSpan } from '../../platform/tracing/http-client-span';
import { ATTR_CIRCUIT_STATE } from '../../platform/tracing/tracing.constants';
import { CircuitBreaker, CircuitState } from './circuit-breaker';
import { exceedsJsonDepth } from '../../platform/json/json-depth';
import { RestConfig } from './rest.config';
import {
  UPSTREAM_CIRCUIT_STATE,
  UPSTREAM_REQUEST_DURATION_SECONDS,
  UPSTREAM_REQUESTS_TOTAL,
  UPSTREAM_RETRIES_TOTAL,
} from './rest.metrics';
import { resolveUpstreamUrl } from './upstream-path';
import { UpstreamRequest, UpstreamResponse } from './upstream-request.interface';
import {
  classifyFailure,
  IDEMPOTENT_METHODS,
  isRetryableStatus,
  MAX_RETRY_AFTER_MS,
  parseRetryAfterMs,
  retryAfterSeconds,
  retryDelayMs,
} from './upstream-retry-policy';

const CIRCUIT_GAUGE: Record<CircuitState, number> = { closed: 0, half_open: 1, open: 2 };

/** Headers a tool may not set: the client owns routing, framing, correlation and the credential. */
const RESERVED_HEADERS = new Set([
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'x-request-id',
  'traceparent',
  'tracestate',
  'cookie',
  'authorization',
]);

/** When each attempt started (the same config object travels through retries), and its trace span. */
const STARTED = Symbol('upstream:started');
const SPAN = Symbol('upstream:span');
type TimedConfig = InternalAxiosRequestConfig & { [STARTED]?: number; [SPAN]?: ReturnType<typeof startHttpClientSpan> };

/**
 * What is logged as the `cause` of an upstream failure: method, path, code and status only. An AxiosError
 * itself would carry the request config (with the upstream credential) and the upstream's body.
 */
export class UpstreamCallError extends Error {
  constructor(
    message: string,
    readonly details: { method: string; path: string; code?: string; status?: number; attempts?: number },
  ) {
    super(message);
    this.name = 'UpstreamCallError';
  }
}

/**
 * The one way out to the upstream API (API_BASE_URL). One axios instance (from `@nestjs/axios`'s HttpModule)
 * over keep-alive agents capped at API_MAX_CONNECTIONS sockets, so calls share a pool instead of opening a socket each.
 *
 * Each `request()`:
 * - resolves the path under the base URL and refuses anything that would leave it (origin or base path);
 * - is refused at once with `retry` while the circuit breaker is open;
 * - sends `Accept: application/json`, `X-Request-ID`, with tracing on the attempt's `traceparent`, and, when API_AUTH_TOKEN is set, the upstream
 *   credential as API_AUTH_HEADER; never anything from the caller's own credentials;
 * - times each attempt out after API_TIMEOUT_SECONDS and the whole call (retries and waits included) after
 *   API_DEADLINE_SECONDS; the tool's signal aborts the request in flight and any wait for a retry;
 * - retries network errors, timeouts, 5xx and 429 (idempotent methods only, unless `retryUnsafe`), up to
 *   API_MAX_RETRIES times, waiting `API_BACKOFF_FACTOR * 2^(n-1)` s plus jitter, or the upstream's
 *   `Retry-After` when longer (at most 30 s, never past the deadline);
 * - reads at most API_MAX_RESPONSE_BYTES of body (axios stops reading past it), follows no redirect, and
 *   refuses JSON nested deeper than API_MAX_RESPONSE_DEPTH before parsing it; Node's HTTP parser bounds
 *   the answer's headers (16 KiB in all).
 *
 * It answers any final status but 3xx, 5xx and 429 (the tool maps 404 etc.); those and transport failures
 * become `ToolRetryException` (5xx, 429, timeouts, network) or `ToolFailedException` (redirects, bodies too
 * large or too deep, invalid JSON), with safe messages: no upstream body, message or host ever reaches the client.
 */
@Injectable()
export class UpstreamClient implements OnModuleDestroy {
  readonly breaker: CircuitBreaker;
  private readonly http: AxiosInstance;
  private readonly upstream: string;

  constructor(
    private readonly config: RestConfig,
    httpService: HttpService,
    @InjectMetric(UPSTREAM_REQUESTS_TOTAL) private readonly requests: Counter<string>,
    @InjectMetric(UPSTREAM_REQUEST_DURATION_SECONDS) private readonly duration: Histogram<string>,
    @InjectMetric(UPSTREAM_RETRIES_TOTAL) private readonly retries: Counter<string>,
    @InjectMetric(UPSTREAM_CIRCUIT_STATE) circuitState: Gauge<string>,
    @InjectPinoLogger(UpstreamClient.name) private readonly logger: PinoLogger,
  ) {
    this.upstream = config.upstreamLabel;
    // HttpModule built it from upstreamHttpOptions(): pooled agents, timeouts, bounds (upstream-http.options.ts).
    this.http = httpService.axiosRef;
    // Registered before axios-retry, so it sees every attempt, retried or not.
    this.http.interceptors.request.use((request: TimedConfig) => {
      request[STARTED] = performance.now();
      // With tracing on: one span per attempt (its retry number, the circuit state), its traceparent sent along.
      request[SPAN] = startHttpClientSpan(
        {
          method: request.method ?? 'get',
          url: request.url ?? '',
          resendCount: (request['axios-retry'] as { retryCount?: number } | undefined)?.retryCount,
          attributes: { [ATTR_CIRCUIT_STATE]: this.breaker.state },
        },
        (name, value) => request.headers.set(name, value),
      );
      return request;
    });
    this.http.interceptors.response.use(
      (response) => {
        this.observe(response.config, String(response.status));
        return response;
      },
      (error: unknown) => {
        if (isAxiosError(error) && error.config) {
          const failure = classifyFailure(error);
          const status = error.response
            ? String(error.response.status)
            : failure === 'timeout' || failure === 'cancelled'
              ? failure
              : 'error';
          this.observe(error.config, status);
        }
        return Promise.reject(error);
      },
    );
    axiosRetry(this.http, { retries: 0 });
    this.breaker = new CircuitBreaker({
      failureThreshold: config.circuitFailureThreshold,
      resetMs: config.circuitResetMs,
      onStateChange: (state) => {
        circuitState.set({ upstream: this.upstream }, CIRCUIT_GAUGE[state]);
        this.logger.warn({ upstream: this.upstream, circuit: state }, `upstream circuit ${state}`);
      },
    });
    if (config.enabled) circuitState.set({ upstream: this.upstream }, CIRCUIT_GAUGE.closed);
  }

  onModuleDestroy(): void {
    (this.http.defaults.httpAgent as http.Agent | undefined)?.destroy();
    (this.http.defaults.httpsAgent as http.Agent | undefined)?.destroy();
  }

  /** One call to the upstream API, retried and bounded as described on the class. */
  async request(req: UpstreamRequest): Promise<UpstreamResponse> {
    const base = this.config.baseUrl;
    if (!base) throw new ToolFailedException('The upstream API is not configured');
    let url: URL;
    try {
      url = resolveUpstreamUrl(base, req.path);
    } catch (error) {
      throw new ToolFailedException('Refused an upstream request outside the API base URL', { cause: error });
    }
    req.signal.throwIfAborted();

    const permit = this.breaker.acquire();
    if (!permit.allowed) {
      throw new ToolRetryException('Upstream API unavailable (circuit open)', Math.max(1, Math.ceil(permit.retryAfterMs / 1000)));
    }

    const deadline = AbortSignal.timeout(this.config.deadlineMs);
    const deadlineAt = Date.now() + this.config.deadlineMs;
    const signal = AbortSignal.any([req.signal, deadline]);
    const retryable = req.retryUnsafe === true || IDEMPOTENT_METHODS.has(req.method);
    let attempts = 1;
    let nextDelayMs = 0;
    const describe = (message: string, extra: { code?: string; status?: number } = {}): UpstreamCallError =>
      new UpstreamCallError(message, { method: req.method, path: url.pathname, attempts, ...extra });

    let response: AxiosResponse<string>;
    try {
      response = await this.http.request<string>({
        method: req.method,
        url: url.href,
        params: req.query,
        headers: this.headersFor(req),
        data: req.body === undefined ? undefined : JSON.stringify(req.body),
        signal,
        'axios-retry': {
          retries: retryable ? this.config.maxRetries : 0,
          shouldResetTimeout: true,
          validateResponse: (answer) => !isRetryableStatus(answer.status),
          retryCondition: (error) => {
            const failure = classifyFailure(error);
            if (signal.aborted || !['status', 'timeout', 'network'].includes(failure)) return false;
            const retryAfterMs = parseRetryAfterMs(error.response?.headers['retry-after']);
            // Asked to wait longer than we ever do: answer `retry` with the upstream's own Retry-After.
            if (retryAfterMs !== undefined && retryAfterMs > MAX_RETRY_AFTER_MS) return false;
            const delayMs = retryDelayMs(attempts, this.config.backoffFactor, retryAfterMs);
            if (Date.now() + delayMs >= deadlineAt) return false;
            nextDelayMs = delayMs;
            return true;
          },
          retryDelay: () => nextDelayMs,
          onRetry: (retryCount, error) => {
            attempts = retryCount + 1;
            this.retries.inc({ upstream: this.upstream });
            this.logger.debug(
              { request_id: req.requestId, tool: req.tool, retry: retryCount, delay_ms: nextDelayMs, code: error.code, status: error.response?.status },
              'retrying upstream request',
            );
          },
        },
      });
    } catch (error) {
      throw this.failure(error, req, deadline, describe);
    }

    if (response.status >= 300 && response.status < 400) {
      this.breaker.success();
      throw new ToolFailedException('The upstream API answered with a redirect, which is not followed', {
        cause: describe('redirect not followed', { status: response.status }),
      });
    }
    this.breaker.success();
    return {
      status: response.status,
      headers: flattenHeaders(response.headers),
      body: parseBody(response, this.config.maxResponseDepth, describe),
    };
  }

  /**
   * One GET of `path` for the health check: no retries, no circuit breaker, its own timeout; resolves to
   * the status (any) or rejects on a transport failure.
   */
  async probe(path: string, timeoutMs: number): Promise<number> {
    const base = this.config.baseUrl;
    if (!base) throw new Error('The upstream API is not configured');
    const response = await this.http.get<string>(resolveUpstreamUrl(base, path).href, {
      timeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
      headers: this.headersFor({ requestId: 'health-check' }),
      'axios-retry': { retries: 0 },
    });
    return response.status;
  }

  private headersFor(req: Pick<UpstreamRequest, 'requestId' | 'headers' | 'body'>): Record<string, string> {
    const headers: Record<string, string> = {};
    const authHeader = this.config.authHeader.toLowerCase();
    for (const [name, value] of Object.entries(req.headers ?? {})) {
      const lower = name.toLowerCase();
      if (!RESERVED_HEADERS.has(lower) && lower !== authHeader) headers[name] = value;
    }
    headers['Accept'] = 'application/json';
    headers['X-Request-ID'] = req.requestId;
    if (req.body !== undefined) headers['Content-Type'] = 'application/json';
    if (this.config.authToken !== undefined) headers[this.config.authHeader] = this.config.authToken;
    return headers;
  }

  /** The exception a failed call ends in, after telling the circuit breaker what it says about the upstream. */
  private failure(
    error: unknown,
    req: UpstreamRequest,
    deadline: AbortSignal,
    describe: (message: string, extra?: { code?: string; status?: number }) => UpstreamCallError,
  ): unknown {
    if (error instanceof ToolException) return error;
    const code = isAxiosError(error) ? error.code : undefined;
    if (req.signal.aborted) {
      // The caller cancelled or the tool's own deadline passed: the invoker has answered already.
      this.breaker.release();
      return req.signal.reason;
    }
    if (deadline.aborted) {
      this.breaker.failure();
      return new ToolRetryException('The upstream API did not answer in time', 1, {
        cause: describe(`deadline of ${this.config.deadlineMs} ms passed`, { code }),
      });
    }
    const failure = classifyFailure(error);
    switch (failure) {
      case 'status': {
        const response = (error as AxiosError).response as AxiosResponse;
        if (response.status === 429) this.breaker.success();
        else this.breaker.failure();
        const retryAfterMs = parseRetryAfterMs(response.headers['retry-after']);
        return new ToolRetryException(
          response.status === 429 ? 'The upstream API is rate limiting; try again later' : 'The upstream API is unavailable; try again shortly',
          retryAfterSeconds(retryAfterMs),
          { cause: describe(`upstream answered HTTP ${response.status}`, { status: response.status }) },
        );
      }
      case 'timeout':
        this.breaker.failure();
        return new ToolRetryException('The upstream API did not answer in time', 1, {
          cause: describe(`attempt timed out after ${this.config.timeoutMs} ms`, { code }),
        });
      case 'network':
        this.breaker.failure();
        return new ToolRetryException('The upstream API could not be reached', 1, { cause: describe('network error', { code }) });
      case 'too_large':
        this.breaker.success();
        return new ToolFailedException('The upstream API answered too large a body', {
          cause: describe(`body larger than ${this.config.maxResponseBytes} bytes`, { code }),
        });
      default:
        this.breaker.release();
        return new ToolFailedException('The upstream API call failed', {
          cause: describe(error instanceof Error ? `${error.name}: ${code ?? 'no code'}` : 'unknown failure', { code }),
        });
    }
  }

  private observe(config: TimedConfig, status: string): void {
    const code = Number(status);
    endHttpClientSpan(config[SPAN], Number.isInteger(code) ? { status: code } : { failure: status });
    config[SPAN] = undefined;
    const method = (config.method ?? 'get').toUpperCase();
    this.requests.inc({ upstream: this.upstream, method, status });
    const started = config[STARTED];
    if (started !== undefined) {
      this.duration.observe({ upstream: this.upstream, method }, (performance.now() - started) / 1000);
    }
  }
}

function flattenHeaders(headers: AxiosResponse['headers']): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || value === null) continue;
    flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return flat;
}

/** The JSON body when the upstream says JSON, the text otherwise, undefined when empty. */
function parseBody(response: AxiosResponse<string>, maxDepth: number, describe: (message: string) => UpstreamCallError): unknown {
  const text = typeof response.data === 'string' ? response.data : '';
  if (text === '') return undefined;
  const type = String(response.headers['content-type'] ?? '');
  if (!/[/+]json\b/i.test(type)) return text;
  if (exceedsJsonDepth(text, maxDepth)) {
    throw new ToolFailedException('The upstream API answered JSON nested too deeply', { cause: describe(`JSON deeper than ${maxDepth} levels`) });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ToolFailedException('The upstream API answered invalid JSON', { cause: describe('invalid JSON body') });
  }
}
