import {
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
  registerDecorator,
  ValidationArguments,
} from 'class-validator';
import { EnvFlag, EnvList, EnvNumber } from './env-transforms';

export const ENVIRONMENTS = ['development', 'staging', 'production'] as const;
export type EnvironmentName = (typeof ENVIRONMENTS)[number];
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const LOG_FORMATS = ['json', 'text'] as const;
export const LOG_OUTPUTS = ['stdout', 'file', 'both'] as const;
export const RATE_LIMIT_STORAGES = ['memory', 'redis'] as const;
export const RATE_LIMIT_FAIL_MODES = ['open', 'closed'] as const;
/** OTLP over HTTP, as protobuf (the OpenTelemetry default) or JSON; gRPC is not served by this build. */
export const OTLP_PROTOCOLS = ['http/protobuf', 'http/json'] as const;
/** Asymmetric JWS algorithms an OAuth access token may use: never `none`, never an HMAC (a shared secret). */
export const OAUTH_ALLOWED_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;
export type OAuthAlgorithm = (typeof OAUTH_ALLOWED_ALGORITHMS)[number];

/** Variables whose values never appear in an error message or a log line. */
export const SENSITIVE_VARIABLES: ReadonlySet<string> = new Set([
  'API_KEY_PRIMARY',
  'API_KEY_SECONDARY',
  'DB_URL',
  'REDIS_URL',
  'SQL_READONLY_URL',
  'API_AUTH_TOKEN',
  'RAG_EMBEDDINGS_API_KEY',
  'RAG_DB_URL',
  'OTEL_EXPORTER_OTLP_HEADERS',
]);

const URL_OPTIONS = { require_tld: false, require_protocol: true } as const;

/** A number setting that must not exceed another one (`@IsAtMost('SQL_MAX_RESULT_BYTES')`). */
function IsAtMost(other: keyof Environment): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isAtMost',
      target: target.constructor,
      propertyName: String(propertyName),
      constraints: [other],
      options: { message: `$property must not exceed ${String(other)}` },
      validator: {
        validate: (value: unknown, args: ValidationArguments): boolean =>
          typeof value !== 'number' || value <= ((args.object as Record<string, unknown>)[other] as number),
      },
    });
}

/**
 * Every setting of the server, read from the environment (and `.env`) once at boot.
 * Property initialisers are the defaults; `.env.example` documents each one.
 */
export class Environment {
  @IsIn(ENVIRONMENTS)
  ENVIRONMENT: EnvironmentName = 'development';

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  /** Defaults to 127.0.0.1 in development and 0.0.0.0 elsewhere (see validateEnvironment). */
  @IsOptional()
  @IsString()
  @MinLength(1)
  HOST?: string;

  @EnvNumber()
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 8000;

  @IsOptional()
  @IsString()
  @MinLength(16, { message: '$property must be at least 16 characters long' })
  @Matches(/^\S+$/, { message: '$property must not contain whitespace' })
  API_KEY_PRIMARY?: string;

  @IsOptional()
  @IsString()
  @MinLength(16, { message: '$property must be at least 16 characters long' })
  @Matches(/^\S+$/, { message: '$property must not contain whitespace' })
  API_KEY_SECONDARY?: string;

  /** The key registry (YAML or JSON): ids, SHA-256 digests, scopes, per-key limits. Reloaded on change and on SIGHUP. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  API_KEYS_FILE?: string;

  /** How often the keys file is polled for changes, besides the file-system watch (which may miss some, e.g. on network mounts). */
  @EnvNumber()
  @IsInt()
  @Min(1)
  @Max(3600)
  API_KEYS_POLL_SECONDS = 5;

  @EnvNumber()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  RATE_LIMIT_RPM = 100;

  @IsIn(RATE_LIMIT_STORAGES)
  RATE_LIMIT_STORAGE: (typeof RATE_LIMIT_STORAGES)[number] = 'memory';

  @IsIn(RATE_LIMIT_FAIL_MODES)
  RATE_LIMIT_FAIL_MODE: (typeof RATE_LIMIT_FAIL_MODES)[number] = 'open';

  @IsString()
  @Matches(/^[A-Za-z0-9:_.-]{1,64}$/, { message: '$property must match [A-Za-z0-9:_.-]{1,64}' })
  RATE_LIMIT_REDIS_PREFIX = 'mcp-tool-server';

  @IsUrl({ ...URL_OPTIONS, protocols: ['redis', 'rediss'] })
  REDIS_URL = 'redis://127.0.0.1:6379';

  @IsOptional()
  @IsUrl({ ...URL_OPTIONS, protocols: ['http', 'https'] })
  API_BASE_URL?: string;

  /** Timeout of one upstream attempt; the whole call is bounded by API_DEADLINE_SECONDS. */
  @EnvNumber()
  @IsNumber()
  @Min(0.001)
  @Max(3600)
  API_TIMEOUT_SECONDS = 10;

  @EnvNumber()
  @IsInt()
  @Min(0)
  @Max(10)
  API_MAX_RETRIES = 3;

  @EnvNumber()
  @IsNumber()
  @Min(0)
  @Max(60)
  API_BACKOFF_FACTOR = 2.0;

  @EnvNumber()
  @IsInt()
  @Min(1)
  @Max(10_000)
  API_MAX_CONNECTIONS = 10;

  /** Header carrying the upstream credential (e.g. `Authorization`, `X-Api-Key`); sent only with API_AUTH_TOKEN. */
  @IsString()
  @Matches(/^[A-Za-z0-9-]{1,64}$/, { message: '$property must be an HTTP header name' })
  API_AUTH_HEADER = 'Authorization';

  /** The upstream credential, sent as API_AUTH_HEADER (e.g. `Bearer …`). Never the caller's key. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  API_AUTH_TOKEN?: string;

  /** Largest upstream response body read, in bytes; a larger one is an `error`. */
  @EnvNumber()
  @IsInt()
  @Min(1024)
  @Max(1024 * 1024 * 1024)
  API_MAX_RESPONSE_BYTES = 5 * 1024 * 1024;

  /**
   * Overall deadline of one upstream call, retries and waits included; the REST tools' own deadline is this
   * plus 1 s, so it must end within TOOL_MAX_TIMEOUT_SECONDS (checked at boot).
   */
  @EnvNumber()
  @IsNumber()
  @Min(0.001)
  @Max(3600)
  API_DEADLINE_SECONDS = 29;

  /** Deepest nesting of arrays and objects read from an upstream JSON answer; deeper is an `error`, refused before parsing. */
  @EnvNumber()
  @IsInt()
  @Min(1)
  @Max(1000)
  API_MAX_RESPONSE_DEPTH = 64;

  /** Path of the upstream's health endpoint, relative to API_BASE_URL. */
  @IsString()
  @Matches(/^\/[^\s]*$/, { message: '$property must be a path starting with /' })
  API_HEALTH_PATH = '/health';

  /** Consecutive failed calls that open the circuit breaker. */
  @EnvNumber()
  @IsInt()
  @Min(1)
  @Max(1000)
  API_CIRCUIT_FAILURE_THRESHOLD = 5;

  /** Seconds the circuit stays open before a half-open probe. */
  @EnvNumber()
  @IsNumber()
  @Min(0.01)
  @Max(3600)
  API_CIRCUIT_RESET_SECONDS = 30;

  /** OpenAPI 3.x document (JSON or YAML) whose operations become tools against API_BASE_URL. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  OPENAPI_SPEC?: string;

  /** Only these tags or operationIds become tools (comma-separated; empty: all). */
  @EnvList()
  @IsArray()
  @IsString({ each: true })
  OPENAPI_INCLUDE: string[] = [];

  /** Tags or operationIds left out (comma-separated). */
  @EnvList()
  @IsArray()
  @IsString({ each: true })
  OPENAPI_EXCLUDE: string[] = [];

  @IsOptional()
  @IsUrl({ ...URL_OPTIONS, protocols: ['postgres', 'postgresql'] })
  DB_URL?: string;

  @EnvNumber()
  @IsInt()
  @Min(1)
  @Max(1000)
  DB_POOL_SIZE = 10;

  @EnvNumber()
  @IsInt()
  @Min(0)
  @Max(1000)
  DB_POOL_MAX_OVERFLOW = 20;

  @EnvNumber()
  @IsInt()
  @Min(1)
  DB_POOL_RECYCLE_SECONDS = 3600;

  @EnvNumber()
  @IsNumber()
  @Min(0.001)
  @Max(3600)
  DB_QUERY_TIMEOUT_SECONDS = 25;

  /** Data directory of the embedded PostgreSQL used when DB_URL is unset (created if missing). */
  @IsString()
  @MinLength(1)
  DB_DATA_DIR = './data/pglite';

  /**
   * Readiness with the embedded database: one query (or transaction) may hold its single session this
   * long before `/health/ready` reports it down; shorter holds are judged busy, not broken.
   */
  @EnvNumber()
  @IsInt()
  @Min(1)
  @Max(86_400)
  DB_EMBEDDED_BUSY_LIMIT_SECONDS = 120;

  /**
   * PostgreSQL's `shared_buffers` of the embedded database, in MB. Its pages live in the process's memory once
   * touched and are never given back, so this bounds how much of the RSS the buffer cache can take (PostgreSQL's
   * own default is 128 MB); pages outside it are read again from DB_DATA_DIR (the OS file cache).
   */
  @EnvNumber()
  @IsInt()
  @Min(1)
  @Max(4096)
  DB_EMBEDDED_SHARED_BUFFERS_MB = 32;

  /** Load the deterministic sample data into an empty embedded database at boot. */
  @EnvFlag()
  @IsBoolean()
  DB_SEED_SAMPLE_DATA = true;

  /** Optional separate (read-only) role for the SQL tools; defaults to DB_URL / the embedded database. */
  @IsOptional()
  @IsUrl({ ...URL_OPTIONS, protocols: ['postgres', 'postgresql'] })
  SQL_READONLY_URL?: string;

  /** Schemas the SQL tools may read (comma-separated). */
  @EnvList()
  @IsArray()
  @IsString({ each: true })
  @Matches(/^[a-z_][a-z0-9_]*$/, { each: true, message: '$property must hold lower-case schema names' })
  SQL_ALLOWED_SCHEMAS: string[] = ['public'];

  /** Rows `sql_query` returns when the caller does not say. */
  @EnvNumber()
  @IsInt()
  @Min(1)
  @Max(100_000)
  SQL_DEFAULT_MAX_ROWS = 100;

  /** The most rows `sql_query` ever returns (the ceiling of `max_rows`). */
  @EnvNumber()
  @IsInt()
  @Min(1)
  @Max(100_000)
  SQL_MAX_ROWS_LIMIT = 1000;

  /** The most bytes one SQL tool result may take (each field's text plus the wire's framing); PostgreSQL stops a larger result before sending it. */
  @EnvNumber()
  @IsInt()
  @Min(1024)
  @Max(256 * 1024 * 1024)
  SQL_MAX_RESULT_BYTES = 8 * 1024 * 1024;

  /** The most bytes one field (one value) of a SQL tool result may take; at most SQL_MAX_RESULT_BYTES. */
  @EnvNumber()
  @IsInt()
  @Min(1)
  @Max(256 * 1024 * 1024)
  @IsAtMost('SQL_MAX_RESULT_BYTES')
  SQL_MAX_FIELD_BYTES = 1024 * 1024;

  /** work_mem (kB) set in every SQL tool transaction: memory per sort or hash before it spills to disk. */
  @EnvNumber()
  @IsInt()
  @Min(64)
  @Max(1024 * 1024)
  SQL_WORK_MEM_KB = 4096;

  /** Functions of installed extensions that the SQL tools may call anyway (comma-separated; all others are denied). */
  @EnvList()
  @IsArray()
  @IsString({ each: true })
  @Matches(/^[a-z_][a-z0-9_$]*$/, { each: true, message: '$property must hold lower-case function names' })
  SQL_ALLOWED_EXTENSION_FUNCTIONS: string[] = [];

  /** YAML catalog of curated, named queries; each becomes its own tool. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  SQL_QUERIES_FILE?: string;

  /** Unset means: on for the embedded database, off otherwise (decided by the RAG family). */
  @IsOptional()
  @EnvFlag()
  @IsBoolean()
  ENABLE_RAG?: boolean;

  @IsString()
  @MinLength(1)
  RAG_EMBEDDING_MODEL = 'hashing';

  /** A separate PostgreSQL (with pgvector) for the RAG store; default: the main database. */
  @IsOptional()
  @IsUrl({ ...URL_OPTIONS, protocols: ['postgres', 'postgresql'] })
  RAG_DB_URL?: string;

  /** OpenAI-compatible embeddings server for `RAG_EMBEDDING_MODEL=openai:<model>` (`/v1/embeddings` is appended). */
  @IsUrl({ ...URL_OPTIONS, protocols: ['http', 'https'] })
  RAG_EMBEDDINGS_URL = 'http://127.0.0.1:11434';

  /** Bearer key for that server, if it wants one. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  RAG_EMBEDDINGS_API_KEY?: string;

  /** Vector length asked of `openai:` models (their `dimensions` parameter). The store takes any; pgvector's HNSW index takes at most 2,000. */
  @EnvNumber()
  @IsInt()
  @Min(1)
  @Max(16_000)
  RAG_EMBEDDING_DIMENSIONS = 256;

  /** Target chunk size in characters. */
  @EnvNumber()
  @IsInt()
  @Min(100)
  @Max(20_000)
  RAG_CHUNK_SIZE = 800;

  /** Characters repeated between neighbouring chunks (capped at half the chunk size). */
  @EnvNumber()
  @IsInt()
  @Min(0)
  @Max(10_000)
  RAG_CHUNK_OVERLAP = 120;

  /** Vector search is exact (no HNSW) while the documents a search selects hold at most this many chunks; 0 = always HNSW. */
  @EnvNumber()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  RAG_EXACT_SEARCH_MAX_CHUNKS = 10_000;

  /** HNSW beam width of a vector search above that threshold (pgvector's hnsw.ef_search): higher is slower and finds more of the true neighbours. */
  @EnvNumber()
  @IsInt()
  @Min(10)
  @Max(1000)
  RAG_HNSW_EF_SEARCH = 200;

  /** The sample corpus ingested into an empty store on the embedded database. */
  @IsString()
  @MinLength(1)
  RAG_CORPUS_DIR = './corpus';

  /** Largest rag_ingest document (its text as UTF-8); larger is `invalid`, and the ingest CLI skips such files. */
  @EnvNumber()
  @IsInt()
  @Min(1024)
  @Max(16 * 1024 * 1024)
  RAG_MAX_DOCUMENT_BYTES = 1024 * 1024;

  /** Most chunks one document may split into; more is `invalid` (nothing of it is embedded or stored). */
  @EnvNumber()
  @IsInt()
  @Min(1)
  @Max(100_000)
  RAG_MAX_CHUNKS_PER_DOCUMENT = 2000;

  /** Seconds one embed call of an `openai:` embedder may take in all (every batch, retry and backoff). */
  @EnvNumber()
  @IsInt()
  @Min(1)
  @Max(600)
  RAG_EMBEDDINGS_TIMEOUT_SECONDS = 30;

  /** Seconds `/health` reuses the RAG store's figures (document count) before asking the database again. */
  @EnvNumber()
  @IsInt()
  @Min(1)
  @Max(3600)
  RAG_HEALTH_CACHE_SECONDS = 10;

  @EnvFlag()
  @IsBoolean()
  METRICS_ENABLED = true;

  @EnvFlag()
  @IsBoolean()
  METRICS_PUBLIC = false;

  @EnvFlag()
  @IsBoolean()
  HEALTH_CHECK_ENABLED = true;

  @EnvNumber()
  @IsInt()
  @Min(16)
  HEALTH_MEMORY_HEAP_LIMIT_MB = 1024;

  /** Share of new traces recorded (a sampled incoming parent is always followed); see docs/operations.md, "Tracing". */
  @EnvNumber()
  @IsNumber()
  @Min(0)
  @Max(1)
  TRACE_SAMPLING_RATE = 1.0;

  /** OTLP/HTTP base URL (`/v1/traces` is appended). Tracing is off when neither this nor the traces endpoint is set. */
  @IsOptional()
  @IsUrl({ ...URL_OPTIONS, protocols: ['http', 'https'] })
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;

  /** Full OTLP/HTTP traces URL, used as is; wins over OTEL_EXPORTER_OTLP_ENDPOINT. */
  @IsOptional()
  @IsUrl({ ...URL_OPTIONS, protocols: ['http', 'https'] })
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string;

  @IsIn(OTLP_PROTOCOLS, { message: `$property must be one of ${OTLP_PROTOCOLS.join(', ')}` })
  OTEL_EXPORTER_OTLP_PROTOCOL: (typeof OTLP_PROTOCOLS)[number] = 'http/protobuf';

  /** Headers sent with every export (`name=value,name2=value2`, values percent-encoded), e.g. a collector's API key. Secret. */
  @IsOptional()
  @IsString()
  OTEL_EXPORTER_OTLP_HEADERS?: string;

  @IsString()
  @Matches(/^[\x21-\x7e]{1,255}$/, { message: '$property must be 1 to 255 printable characters without spaces' })
  OTEL_SERVICE_NAME = 'mcp-tool-server';

  /** Resource attributes of every span (`key=value,key2=value2`, values percent-encoded), e.g. `deployment.environment.name=prod`. */
  @IsOptional()
  @IsString()
  OTEL_RESOURCE_ATTRIBUTES?: string;

  /** Finished spans waiting for export; beyond it new spans are dropped (and counted), the calls never wait. */
  @EnvNumber()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  OTEL_BSP_MAX_QUEUE_SIZE = 2048;

  /** Milliseconds between two exports of the queued spans. */
  @EnvNumber()
  @IsInt()
  @Min(1)
  @Max(600_000)
  OTEL_BSP_SCHEDULE_DELAY = 5000;

  /** Milliseconds one export may take (retries included) before its spans are given up (and counted as dropped). */
  @EnvNumber()
  @IsInt()
  @Min(1)
  @Max(600_000)
  OTEL_BSP_EXPORT_TIMEOUT = 10_000;

  /** Defaults to text in development when the logs go only to a terminal, json otherwise (see validateEnvironment). */
  @IsOptional()
  @IsIn(LOG_FORMATS)
  LOG_FORMAT?: (typeof LOG_FORMATS)[number];

  @IsIn(LOG_OUTPUTS)
  LOG_OUTPUT: (typeof LOG_OUTPUTS)[number] = 'stdout';

  @IsString()
  @MinLength(1)
  LOG_FILE = './logs/mcp-tool-server.log';

  @EnvNumber()
  @IsInt()
  @Min(1024)
  @Max(100 * 1024 * 1024)
  BODY_LIMIT_BYTES = 1024 * 1024;

  /** Origins allowed to call the server from a browser; empty means only requests without an Origin header. */
  @EnvList()
  @IsArray()
  @IsString({ each: true })
  ALLOWED_ORIGINS: string[] = [];

  /**
   * Host header names (optionally `name:port`) the server answers; `*` means any. Empty: the loopback names
   * (`localhost`, `127.0.0.1`, `[::1]`, any port) when HOST is a loopback address, any host otherwise.
   */
  @EnvList()
  @IsArray()
  @IsString({ each: true })
  @Matches(/^(\*|\[[0-9a-fA-F:.]+\](:\d{1,5})?|[A-Za-z0-9.-]+(:\d{1,5})?)$/, {
    each: true,
    message: '$property must hold host names, host:port pairs or *',
  })
  ALLOWED_HOSTS: string[] = [];

  /** Deepest nesting of arrays and objects in a JSON body (and in tool arguments over stdio); deeper is refused. */
  @EnvNumber()
  @IsInt()
  @Min(2)
  @Max(1000)
  BODY_MAX_DEPTH = 64;

  /** Most elements (array items or object keys) in any one array or object of a JSON body or of tool arguments. */
  @EnvNumber()
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  BODY_MAX_ELEMENTS = 10_000;

  /**
   * Answer plain `tools/list` and `tools/call` requests on `/mcp` without building the SDK's per-request server
   * (the answers are the same; a test compares the two paths). `false` sends every request through the SDK's
   * generic path: a diagnostic switch, slower.
   */
  @EnvFlag()
  @IsBoolean()
  MCP_FAST_LANE = true;

  /** Failed authentications per minute per source address; beyond it, 429 until the window ends. */
  @EnvNumber()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  AUTH_FAILURES_PER_MINUTE = 30;

  @EnvNumber()
  @IsNumber()
  @Min(0)
  @Max(600)
  SHUTDOWN_TIMEOUT_SECONDS = 10;

  /** Time a client has to send the request line and headers; a slower one gets 408 and is disconnected. */
  @EnvNumber()
  @IsNumber()
  @Min(1)
  @Max(300)
  HTTP_HEADERS_TIMEOUT_SECONDS = 15;

  /** Time a client has to send the whole request, body included (not the time to answer it). */
  @EnvNumber()
  @IsNumber()
  @Min(1)
  @Max(3600)
  HTTP_REQUEST_TIMEOUT_SECONDS = 60;

  /** How long an idle keep-alive connection stays open; set it above a load balancer's idle timeout. */
  @EnvNumber()
  @IsNumber()
  @Min(1)
  @Max(3600)
  HTTP_KEEP_ALIVE_TIMEOUT_SECONDS = 5;

  /** Deadline of one tool call unless the tool declares its own `timeoutMs`; at most TOOL_MAX_TIMEOUT_SECONDS. */
  @EnvNumber()
  @IsNumber()
  @Min(0.001)
  @Max(3600)
  TOOL_TIMEOUT_SECONDS = 30;

  /**
   * Ceiling of every tool call's deadline, a tool's own `timeoutMs` included: below the 60 s after which MCP SDK
   * clients give up by default, so a slow call ends in a typed `retry` the caller still receives.
   */
  @EnvNumber()
  @IsNumber()
  @Min(1)
  @Max(3600)
  TOOL_MAX_TIMEOUT_SECONDS = 50;

  /** OAuth 2.1 resource server: on when set. The authorization server's issuer identifier (the tokens' `iss`). */
  @IsOptional()
  @IsUrl({ ...URL_OPTIONS, protocols: ['http', 'https'] })
  OAUTH_ISSUER?: string;

  /** This server's resource identifier (RFC 8707), e.g. `https://mcp.example.com/mcp`: the tokens' `aud` must contain it. */
  @IsOptional()
  @IsString()
  @Matches(/^\S{1,2048}$/, { message: '$property must be 1 to 2048 characters without whitespace' })
  OAUTH_AUDIENCE?: string;

  /** The issuer's JWKS; default: `jwks_uri` of its RFC 8414 or OpenID Connect discovery document. */
  @IsOptional()
  @IsUrl({ ...URL_OPTIONS, protocols: ['http', 'https'] })
  OAUTH_JWKS_URL?: string;

  /** The claim holding the token's scopes (a space-separated string or an array); `scp` is read when it is absent. */
  @IsString()
  @Matches(/^[A-Za-z0-9_.:-]{1,64}$/, { message: '$property must match [A-Za-z0-9_.:-]{1,64}' })
  OAUTH_SCOPES_CLAIM = 'scope';

  /** Signature algorithms accepted on access tokens (comma-separated; asymmetric only). */
  @EnvList()
  @IsArray()
  @IsIn(OAUTH_ALLOWED_ALGORITHMS, { each: true, message: `each of $property must be one of ${OAUTH_ALLOWED_ALGORITHMS.join(', ')}` })
  OAUTH_ALGORITHMS: OAuthAlgorithm[] = ['RS256', 'ES256', 'PS256', 'EdDSA'];

  /** Leeway on a token's `exp` and `nbf` for clocks that drift. */
  @EnvNumber()
  @IsInt()
  @Min(0)
  @Max(300)
  OAUTH_CLOCK_TOLERANCE_SECONDS = 30;

  /** Least time between two fetches of the JWKS (or of the discovery document) when a token names an unknown `kid`. */
  @EnvNumber()
  @IsNumber()
  @Min(0.1)
  @Max(3600)
  OAUTH_JWKS_COOLDOWN_SECONDS = 30;
}
