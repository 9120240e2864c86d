import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Environment } from '../../config/environment';

/** The REST family's settings, read once from the validated environment. */
@Injectable()
export class RestConfig {
  /** API_BASE_URL, parsed; undefined when unset (the REST tools are then not registered). */
  readonly baseUrl: URL | undefined;
  /** Host of the base URL: the `upstream` metrics label (low cardinality). */
  readonly upstreamLabel: string;
  /** Per-attempt timeout (API_TIMEOUT_SECONDS). */
  readonly timeoutMs: number;
  /** Deadline of one call, retries and backoff included (API_DEADLINE_SECONDS). */
  readonly deadlineMs: number;
  /**
   * The REST tools' own deadline: just past the upstream deadline, so the client answers first with its typed
   * `retry`. Boot refuses an API_DEADLINE_SECONDS that would put it past TOOL_MAX_TIMEOUT_SECONDS.
   */
  readonly toolTimeoutMs: number;
  /** Deepest nesting of an upstream JSON answer (API_MAX_RESPONSE_DEPTH). */
  readonly maxResponseDepth: number;
  readonly maxRetries: number;
  /** Seconds; the n-th retry waits `backoffFactor * 2^(n-1)` seconds plus jitter. */
  readonly backoffFactor: number;
  readonly maxConnections: number;
  readonly maxResponseBytes: number;
  /** Upstream credential header and value; no header is sent without a token. */
  readonly authHeader: string;
  readonly authToken: string | undefined;
  readonly healthPath: string;
  readonly circuitFailureThreshold: number;
  readonly circuitResetMs: number;

  constructor(config: ConfigService<Environment, true>) {
    const base = config.get('API_BASE_URL', { infer: true });
    this.baseUrl = base ? new URL(base) : undefined;
    this.upstreamLabel = this.baseUrl?.host ?? 'none';
    this.timeoutMs = Math.max(1, Math.round(config.get('API_TIMEOUT_SECONDS', { infer: true }) * 1000));
    this.deadlineMs = Math.max(1, Math.round(config.get('API_DEADLINE_SECONDS', { infer: true }) * 1000));
    this.toolTimeoutMs = this.deadlineMs + 1000;
    this.maxResponseDepth = config.get('API_MAX_RESPONSE_DEPTH', { infer: true });
    this.maxRetries = config.get('API_MAX_RETRIES', { infer: true });
    this.backoffFactor = config.get('API_BACKOFF_FACTOR', { infer: true });
    this.maxConnections = config.get('API_MAX_CONNECTIONS', { infer: true });
    this.maxResponseBytes = config.get('API_MAX_RESPONSE_BYTES', { infer: true });
    this.authHeader = config.get('API_AUTH_HEADER', { infer: true });
    this.authToken = config.get('API_AUTH_TOKEN', { infer: true }) || undefined;
    this.healthPath = config.get('API_HEALTH_PATH', { infer: true });
    this.circuitFailureThreshold = config.get('API_CIRCUIT_FAILURE_THRESHOLD', { infer: true });
    this.circuitResetMs = Math.max(1, Math.round(config.get('API_CIRCUIT_RESET_SECONDS', { infer: true }) * 1000));
  }

  get enabled(): boolean {
    return this.baseUrl !== undefined;
  }
}
